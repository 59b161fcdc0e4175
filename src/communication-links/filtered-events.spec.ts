import { describe, expect, it } from '@jest/globals';
import { PubSub } from 'graphql-subscriptions';
import { filterMapAsyncIterator } from './filtered-events.js';

describe('filterMapAsyncIterator', () => {
  it('yields the mapped values and skips those mapped to undefined', async () => {
    const pubsub = new PubSub();
    const it = filterMapAsyncIterator(pubsub.asyncIterableIterator<{ n: number }>('t'), async ({ n }) => (n % 2 ? undefined : n * 10));
    const first = it.next();
    await pubsub.publish('t', { n: 1 });
    await pubsub.publish('t', { n: 2 });
    expect(await first).toEqual({ done: false, value: 20 });
    await it.return!();
  });

  it('ends a pending next() and the source subscription when returned', async () => {
    const pubsub = new PubSub();
    const source = pubsub.asyncIterableIterator<{ n: number }>('t');
    const it = filterMapAsyncIterator(source, async ({ n }) => n);
    const pending = it.next();
    await new Promise((r) => setTimeout(r, 10));
    expect((pubsub as unknown as { ee: { listenerCount(t: string): number } }).ee.listenerCount('t')).toBe(1);
    await it.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    // The pub/sub subscription is gone at once, not at the next event.
    expect((pubsub as unknown as { ee: { listenerCount(t: string): number } }).ee.listenerCount('t')).toBe(0);
  });
});
