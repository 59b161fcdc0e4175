import type { Principal } from '../auth/principal.js';

/**
 * Work done once per event for all its subscribers in this process, not once per subscriber.
 *
 * Keyed by the event object itself: the EventBus hands one and the same object to every
 * subscriber of a topic (graphql-subscriptions' PubSub emits the published object; the Redis
 * engine parses each message once and passes that object to every listener). The entry lives
 * exactly as long as some subscriber still holds the event (a WeakMap), so nothing needs
 * expiring; were two subscribers ever handed different objects, each would compute its own,
 * which costs a statement but is never wrong.
 */
export class PerEvent<E extends object, T> {
  private readonly cache = new WeakMap<E, Promise<T>>();

  constructor(private readonly compute: (event: E) => Promise<T>) {}

  get(event: E): Promise<T> {
    let value = this.cache.get(event);
    if (!value) {
      value = this.compute(event);
      this.cache.set(event, value);
      // A failed read is not remembered: the next subscriber of the event tries again.
      value.catch(() => this.cache.get(event) === value && this.cache.delete(event));
    }
    return value;
  }
}

/**
 * What a loader's answer may depend on. Per-request DataLoaders read either plain rows (the
 * same for everyone) or rows filtered by the caller's organisation, role (ADMIN,
 * COORDINATOR...) and API-key scopes, never by the individual user or key: subscribers of one
 * event with the same viewer class may therefore share their loaders for that event.
 */
export function viewerClass(p: Principal): string {
  return `${p.kind}|${p.role}|${p.organisationId}|${[...(p.scopes ?? [])].sort().join(',')}`;
}

const eventLoaders = new WeakMap<object, Map<string, Map<string, unknown>>>();

/**
 * The DataLoaders shared by every subscriber of `event` with the viewer class of `p`: the
 * nested fields of one event cost one batch per viewer class, whatever the number of
 * subscribers, and the next event starts with empty loaders (each event is read fresh, as a
 * new query would be).
 */
export function sharedEventLoaders(event: object, p: Principal | undefined): Map<string, unknown> {
  if (!p) return new Map();
  let byClass = eventLoaders.get(event);
  if (!byClass) {
    byClass = new Map();
    eventLoaders.set(event, byClass);
  }
  const key = viewerClass(p);
  let loaders = byClass.get(key);
  if (!loaders) {
    loaders = new Map();
    byClass.set(key, loaders);
  }
  return loaders;
}
