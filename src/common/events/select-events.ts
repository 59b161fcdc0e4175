import { Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import type { RequestContext } from '../request/request-context.js';
import { contextFromCarrier, inSpan } from '../tracing/tracer.js';
import { eventTraceCarrier } from './event-bus.service.js';
import { sharedEventLoaders } from './per-event.js';

const logger = new Logger('Subscriptions');

/**
 * The events of `source` that `select` turns into a value for this subscriber, as
 * `{ [field]: value }` (what graphql-js's default resolver reads). `select` answers undefined
 * to drop an event (the subscriber may not read it); it should decide from facts shared by
 * all subscribers of the event (PerEvent), not with statements of its own. The subscription's
 * request context lives as long as the subscription, so it gets fresh DataLoaders for every
 * event: each event is read fresh, as a new query would; those loaders are shared with the
 * other subscribers of the same event and viewer class (sharedEventLoaders), so nested fields
 * cost one batch per event and viewer class, not one per subscriber. `return()` is passed
 * straight to the source, so an unsubscribe ends the pub/sub subscription even while no event
 * is pending.
 */
export function selectEvents<E, V>(
  ctx: RequestContext,
  field: string,
  source: AsyncIterableIterator<E>,
  select: (event: E) => Promise<V | undefined>,
): AsyncIterableIterator<Record<string, V>> {
  const done = { done: true, value: undefined } as const;
  // An event published inside a traced change is read for this subscriber in a span of that
  // change's trace, on whichever replica the subscriber is connected to.
  const deliver = (event: E): Promise<V | undefined> => {
    const parent = contextFromCarrier(eventTraceCarrier(event));
    if (!parent) return select(event);
    const attributes = { 'hub.subscription.field': field, 'hub.request_id': ctx.requestId };
    return inSpan(`deliver ${field}`, { parent, attributes, kind: SpanKind.CONSUMER }, async (span) => {
      const value = await select(event);
      span.setAttribute('hub.subscription.delivered', value !== undefined);
      return value;
    });
  };
  let closed = false;
  // Resolves a next() still waiting on the source when the subscriber leaves: the source does
  // not always do so (it drops a pull that arrives while it is still subscribing). One waiter
  // per pull, dropped once the pull is answered. Not a Promise.race against one promise that
  // lives as long as the subscription: every race would leave a reaction on it holding that
  // pull's result, so an open subscription would keep every event it was ever handed.
  let wake: ((r: typeof done) => void) | undefined;
  const close = async () => {
    closed = true;
    wake?.(done);
    wake = undefined;
    await source.return?.();
  };
  const pull = () =>
    new Promise<IteratorResult<E> | typeof done>((resolve, reject) => {
      wake = resolve;
      source.next().then(resolve, reject);
    });
  const iterator: AsyncIterableIterator<Record<string, V>> = {
    async next(): Promise<IteratorResult<Record<string, V>>> {
      while (!closed) {
        const item = await pull();
        wake = undefined;
        if (item.done || closed) break;
        ctx.useLoaders(sharedEventLoaders(item.value as object, ctx.principal));
        try {
          const value = await deliver(item.value);
          if (value !== undefined) return { done: false, value: { [field]: value } };
        } catch (e) {
          logger.warn({ err: e, requestId: ctx.requestId }, `dropped a ${field} event that could not be read`);
        }
      }
      return done;
    },
    async return(): Promise<IteratorResult<Record<string, V>>> {
      await close();
      return done;
    },
    async throw(error?: unknown): Promise<IteratorResult<Record<string, V>>> {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
