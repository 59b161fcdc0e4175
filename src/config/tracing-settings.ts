/**
 * Whether the hub exports traces, read from the standard OpenTelemetry variables before anything
 * else starts (src/tracing/start-tracing.ts). Off unless an operator names where traces go: an
 * OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or an exporter
 * (OTEL_TRACES_EXPORTER, e.g. `otlp` or `console`). OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none turn it off whatever else is set. The SDK reads the rest of the
 * standard variables itself (protocol, headers, OTEL_TRACES_SAMPLER and its argument,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_*).
 */
export interface TracingSettings {
  serviceName: string;
}

export const DEFAULT_SERVICE_NAME = 'samverkan-hub';

export function tracingSettings(env: Record<string, string | undefined>): TracingSettings | undefined {
  const set = (name: string) => (env[name] ?? '').trim();
  if (set('OTEL_SDK_DISABLED').toLowerCase() === 'true') return undefined;
  const exporters = set('OTEL_TRACES_EXPORTER')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (exporters.includes('none')) return undefined;
  if (!exporters.length && !set('OTEL_EXPORTER_OTLP_ENDPOINT') && !set('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) return undefined;
  return { serviceName: set('OTEL_SERVICE_NAME') || DEFAULT_SERVICE_NAME };
}
