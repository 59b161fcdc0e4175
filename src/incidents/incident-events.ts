import { Logger } from '@nestjs/common';
import type { RequestContext } from '../common/request/request-context.js';

/** Topics on the EventBus; payloads are plain ids so that they cross Redis unchanged. */
export const INCIDENT_CHANGED = 'incident.changed';
export const SITUATION_REPORT_SUBMITTED = 'situationReport.submitted';

export interface IncidentChangedEvent {
  incidentId: string;
}

export interface SituationReportSubmittedEvent {
  reportId: string;
  incidentId: string;
}

const logger = new Logger('Subscriptions');

/**
 * The events of `source` that `select` turns into a value for this subscriber, as
 * `{ [field]: value }` (what graphql-js's default resolver reads). `select` answers undefined
 * to drop an event (the subscriber may not read it). The subscription's request context lives
 * as long as the subscription, so its DataLoaders are cleared for every event: each event is
 * read fresh, as a new query would. `return()` is passed straight to the source, so an
 * unsubscribe ends the pub/sub subscription even while no event is pending.
 */
export function selectEvents<E, V>(
  ctx: RequestContext,
  field: string,
  source: AsyncIterableIterator<E>,
  select: (event: E) => Promise<V | undefined>,
): AsyncIterableIterator<Record<string, V>> {
  const done = { done: true, value: undefined } as const;
  let closed = false;
  let signalClosed: () => void = () => undefined;
  // Resolves a next() still waiting on the source when the subscriber leaves: the source does
  // not always do so (it drops a pull that arrives while it is still subscribing).
  const whenClosed = new Promise<typeof done>((resolve) => (signalClosed = () => resolve(done)));
  const close = async () => {
    closed = true;
    signalClosed();
    await source.return?.();
  };
  const iterator: AsyncIterableIterator<Record<string, V>> = {
    async next(): Promise<IteratorResult<Record<string, V>>> {
      while (!closed) {
        const item = await Promise.race([source.next(), whenClosed]);
        if (item.done || closed) break;
        ctx.loaders.clear();
        try {
          const value = await select(item.value);
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
