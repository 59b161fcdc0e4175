import type { Principal } from '../auth/principal.js';

/**
 * Who is asking and about which request; the first argument of every service method. Made
 * once per HTTP request or WebSocket operation; the principal is filled in by authentication.
 */
export class RequestContext {
  principal?: Principal;
  /** Per-request caches (DataLoaders), keyed by name; see common/loaders. */
  readonly loaders = new Map<string, unknown>();

  constructor(
    readonly requestId: string,
    readonly clientAddress: string | null,
  ) {}

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
    let l = this.loaders.get(name) as T | undefined;
    if (!l) {
      l = create();
      this.loaders.set(name, l);
    }
    return l;
  }
}
