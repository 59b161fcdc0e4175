import { context, propagation, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span, type SpanKind } from '@opentelemetry/api';

/**
 * The hub's own spans (GraphQL operations, subscription deliveries, webhook deliveries), through
 * @opentelemetry/api only. With tracing off (src/tracing/start-tracing.ts never started the SDK)
 * the API hands out its no-op tracer: the spans cost a call and record nothing.
 */
export const hubTracer = trace.getTracer('samverkan-hub');

/** The span the current code runs in, when one records; undefined with tracing off. */
export function recordingSpan(): Span | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span : undefined;
}

/** `fn` inside a new span, ended (with an error status when `fn` throws) when `fn` settles. */
export async function inSpan<T>(
  name: string,
  options: { attributes?: Attributes; links?: Link[]; parent?: Context; kind?: SpanKind },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const { parent = context.active(), ...spanOptions } = options;
  return hubTracer.startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** W3C trace context (`traceparent`, and `tracestate` when there is one) of the current span. */
export type TraceCarrier = Record<string, string>;

/** The current trace context to carry to another process; undefined when nothing is traced. */
export function currentTraceCarrier(): TraceCarrier | undefined {
  if (!recordingSpan()) return undefined;
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** The context a carrier names, as the parent of the spans that continue its work here. */
export function contextFromCarrier(carrier: TraceCarrier | undefined): Context | undefined {
  if (!carrier?.traceparent) return undefined;
  return propagation.extract(context.active(), carrier);
}

/** The trace and span ids for a log line, so that a line leads to its trace; none when untraced. */
export function traceLogFields(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = recordingSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

let flusher: (() => Promise<void>) | undefined;

/** Set by the tracing start: how to send the spans still buffered before the process ends. */
export function setTraceFlusher(flush: () => Promise<void>): void {
  flusher = flush;
}

/** Sends the buffered spans and stops tracing (at shutdown); nothing when tracing is off. */
export async function flushTraces(): Promise<void> {
  const flush = flusher;
  flusher = undefined;
  await flush?.().catch(() => undefined);
}
