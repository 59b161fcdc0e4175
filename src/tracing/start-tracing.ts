import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { tracingSettings } from '../config/tracing-settings.js';
import { setTraceFlusher } from '../common/tracing/tracer.js';

/**
 * Starts OpenTelemetry tracing when the standard variables ask for it (config/tracing-settings.ts),
 * before the hub's own modules are loaded: dist/main.js awaits this, then imports src/main.js.
 * Off, it loads nothing of the SDK, and the hub's spans go to the API's no-op tracer.
 *
 * The hub is ESM, so patching the libraries it imports (ioredis, pg through TypeORM, http) needs
 * the import-in-the-middle loader hook, registered here as `--import` would; only the modules the
 * instrumentations name are wrapped. What is traced, and what never is (GraphQL variables,
 * statement parameters, Redis arguments, query strings), is in docs/OPERATIONS.md.
 */
export async function startTracing(env: Record<string, string | undefined> = process.env): Promise<boolean> {
  const settings = tracingSettings(env);
  if (!settings || !isMainThread) return false;

  const { createAddHookMessageChannel } = await import('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const [{ NodeSDK }, { HttpInstrumentation }, { PgInstrumentation }, { IORedisInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    // Traces only: metrics stay on GET /metrics (Prometheus), logs on standard output.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would bury the requests worth following.
        ignoreIncomingRequestHook: (req) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? ''),
        // A GET /graphql carries its document and variables in the query string.
        redactedQueryParamsServer: ['query', 'variables', 'extensions', 'token', 'apiKey', 'sig', 'Signature'],
        // Only requests made on behalf of something traced (a webhook delivery), no stray roots.
        requireParentforOutgoingSpans: true,
      }),
      // Statement text only (never parameter values: enhancedDatabaseReporting stays off), and
      // only inside a traced operation: the webhook worker's polls and the health checks' pings
      // would otherwise start a trace each.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      // The command's name only: keys and values can name people (rate-limit keys) or carry events.
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
    ],
  });
  sdk.start();
  setTraceFlusher(() => sdk.shutdown());
  // Every module the instrumentations named is hooked before the hub imports it.
  await waitForAllMessagesAcknowledged();
  return true;
}
