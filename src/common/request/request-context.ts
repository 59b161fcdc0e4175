import type { Principal } from '../auth/principal.js';
import type { IdempotencyClaim } from '../idempotency/idempotency.service.js';

/**
 * Who is asking and about which request; the first argument of every service method. Made
 * once per HTTP request or WebSocket operation; the principal is filled in by authentication.
 */
export class RequestContext {
  principal?: Principal;
  /** The GraphQL operation's name, for the request's log line (set as its response is sent). */
  operationName?: string;
  /** The request's Idempotency-Key, when it is a mutation that sent one (the idempotency plugin). */
  idempotency?: IdempotencyClaim;
  private currentLoaders = new Map<string, unknown>();

  constructor(
    readonly requestId: string,
    readonly clientAddress: string | null,
  ) {}

  /** Per-request caches (DataLoaders), keyed by name; see common/loaders. */
  get loaders(): Map<string, unknown> {
    return this.currentLoaders;
  }

  /**
   * Subscriptions: from now on, the loaders of `shared` (one map per event and viewer class,
   * see common/events/per-event.ts), so that subscribers of one event who would read the same
   * rows batch into one statement instead of one each.
   */
  useLoaders(shared: Map<string, unknown>): void {
    this.currentLoaders = shared;
  }

  /** The authenticated principal; the guard has already refused anonymous callers where one is needed. */
  get who(): Principal {
    if (!this.principal) throw new Error('no principal on a request that needs one');
    return this.principal;
  }

  /** A context for work the hub does on its own behalf (start-up, seeding). */
  static system(label: string): RequestContext {
    return new RequestContext(label, null);
  }

  loader<T>(name: string, create: () => T): T {
    let l = this.currentLoaders.get(name) as T | undefined;
    if (!l) {
      l = create();
      this.currentLoaders.set(name, l);
    }
    return l;
  }
}
