import { describe, expect, it } from '@jest/globals';
import { PubSub } from 'graphql-subscriptions';
import { RequestContext } from '../common/request/request-context.js';
import { selectEvents } from './incident-events.js';
import { formatReference, likePattern } from './incidents.service.js';

describe('selectEvents', () => {
  it('yields selected events under the field name, drops the others and clears the loaders per event', async () => {
    const pubsub = new PubSub();
    const ctx = new RequestContext('t', null);
    const cleared: number[] = [];
    const events = selectEvents(ctx, 'changed', pubsub.asyncIterableIterator<{ n: number }>('t'), async (e) => {
      cleared.push(ctx.loaders.size);
      ctx.loaders.set('x', 1);
      return e.n % 2 === 0 ? e.n : undefined;
    });
    const first = events.next();
    for (const n of [1, 2, 3, 4]) await pubsub.publish('t', { n });
    expect(await first).toEqual({ done: false, value: { changed: 2 } });
    expect(await events.next()).toEqual({ done: false, value: { changed: 4 } });
    expect(cleared).toEqual([0, 0, 0, 0]);
  });

  it('ends a pending subscription on return(), even while no event is waiting', async () => {
    const pubsub = new PubSub();
    const events = selectEvents(new RequestContext('t', null), 'changed', pubsub.asyncIterableIterator('t'), async () => 1);
    const pending = events.next();
    await events.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});

describe('incident references and search patterns', () => {
  it('pads the number to four digits and keeps growing past 9999', () => {
    expect(formatReference(2026, 42)).toBe('2026-0042');
    expect(formatReference(2026, 12345)).toBe('2026-12345');
  });

  it('makes LIKE wildcards match themselves', () => {
    expect(likePattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});
