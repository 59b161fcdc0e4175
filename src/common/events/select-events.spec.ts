import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { PubSub } from 'graphql-subscriptions';
import { Role } from '../auth/roles.js';
import { RequestContext } from '../request/request-context.js';
import { PerEvent } from './per-event.js';
import { selectEvents } from './select-events.js';

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

  it('shares the loaders of one event between subscribers of the same viewer class only, and starts each event afresh', async () => {
    const pubsub = new PubSub();
    const principal = (organisationId: string, role = Role.VIEWER) => ({ kind: 'user' as const, userId: organisationId + role, apiKeyId: null, organisationId, role, scopes: null });
    const contexts = [principal('a'), principal('a'), principal('b'), principal('a', Role.ADMIN)].map((p, i) => Object.assign(new RequestContext(`t${i}`, null), { principal: p }));
    const seen: Map<string, unknown>[][] = contexts.map(() => []);
    const iterators = contexts.map((ctx, i) =>
      selectEvents(ctx, 'e', pubsub.asyncIterableIterator<{ n: number }>('t'), async () => {
        seen[i].push(ctx.loaders);
        return 1;
      }),
    );
    const firsts = iterators.map((it) => it.next());
    await pubsub.publish('t', { n: 1 });
    await Promise.all(firsts);
    const seconds = iterators.map((it) => it.next());
    await pubsub.publish('t', { n: 2 });
    await Promise.all(seconds);
    expect(seen[0][0]).toBe(seen[1][0]);
    expect(seen[0][0]).not.toBe(seen[2][0]);
    expect(seen[0][0]).not.toBe(seen[3][0]);
    expect(seen[0][1]).toBe(seen[1][1]);
    expect(seen[0][1]).not.toBe(seen[0][0]);
  });

  it('PerEvent computes once per event object and forgets a failure', async () => {
    let calls = 0;
    const facts = new PerEvent<{ fail?: boolean }, number>(async (e) => {
      calls++;
      if (e.fail) throw new Error('no');
      return calls;
    });
    const one = {};
    expect(await Promise.all([facts.get(one), facts.get(one)])).toEqual([1, 1]);
    expect(await facts.get({})).toBe(2);
    const failing = { fail: true };
    await expect(facts.get(failing)).rejects.toThrow('no');
    await expect(facts.get(failing)).rejects.toThrow('no');
    expect(calls).toBe(4);
  });

  it('does not keep the events it has handed on while the subscription stays open', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const pubsub = new PubSub();
    const events = selectEvents(new RequestContext('t', null), 'e', pubsub.asyncIterableIterator<{ payload: number[] }>('t'), async (e) => e.payload.length);
    const delivered: WeakRef<object>[] = [];
    for (let n = 0; n < 20; n++) {
      const pending = events.next();
      const event = { payload: new Array<number>(1000).fill(n) };
      delivered.push(new WeakRef(event));
      await pubsub.publish('t', event);
      expect(await pending).toEqual({ done: false, value: { e: 1000 } });
    }
    const open = events.next(); // the subscription is still open, waiting for the next event
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r));
      gc();
    }
    // The newest may still be referenced by the iterator's last pull; all the older ones must be gone.
    expect(delivered.slice(0, -1).filter((r) => r.deref() !== undefined)).toHaveLength(0);
    await events.return!();
    expect(await open).toEqual({ done: true, value: undefined });
  });

  it('ends a pending subscription on return(), even while no event is waiting', async () => {
    const pubsub = new PubSub();
    const events = selectEvents(new RequestContext('t', null), 'changed', pubsub.asyncIterableIterator('t'), async () => 1);
    const pending = events.next();
    await events.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});
