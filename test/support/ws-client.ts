import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** One GraphQL result of a subscription, as the server sent it. */
export interface WsResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** How the server ended a socket it refused (graphql-ws close codes: 4401, 4403, 4400...). */
export interface WsClosed {
  code: number;
  reason: string;
}

/**
 * One subscription: its results queue up and are taken in order with `next()`; `complete`
 * resolves when the server ends it (after an error, too).
 */
export class WsSubscription<T = Record<string, any>> {
  private readonly queue: WsResult<T>[] = [];
  private readonly waiters: ((r: WsResult<T> | undefined) => void)[] = [];
  private ended = false;
  /** Every result received so far, in order (those taken by next() included). */
  readonly received: WsResult<T>[] = [];
  readonly complete: Promise<void>;
  private dispose: () => void = () => undefined;

  constructor(client: Client, query: string, variables?: Record<string, unknown>) {
    this.complete = new Promise<void>((resolve) => {
      this.dispose = client.subscribe<T>(
        { query, variables },
        {
          next: (r) => this.push(r as unknown as WsResult<T>),
          // An operation error (e.g. NOT_FOUND at subscribe time) arrives as an array of GraphQL errors.
          error: (e) => {
            if (Array.isArray(e)) this.push({ errors: e as WsResult['errors'] });
            else this.push({ errors: [{ message: String((e as { reason?: string }).reason ?? e), extensions: { code: 'SOCKET_CLOSED', closeCode: (e as { code?: number }).code } }] });
            this.end();
            resolve();
          },
          complete: () => {
            this.end();
            resolve();
          },
        },
      );
    });
  }

  private push(r: WsResult<T>): void {
    this.received.push(r);
    const waiter = this.waiters.shift();
    if (waiter) waiter(r);
    else this.queue.push(r);
  }

  private end(): void {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** The next result; rejects when none arrives within the timeout or the subscription ended. */
  async next(timeoutMs = 5000): Promise<WsResult<T>> {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.ended) throw new Error('the subscription has ended');
    return new Promise<WsResult<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no subscription result within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (r: WsResult<T> | undefined) => {
        clearTimeout(timer);
        if (r) resolve(r);
        else reject(new Error('the subscription has ended'));
      };
      this.waiters.push(waiter);
    });
  }

  /** Results that arrive within `ms` (for asserting that nothing more came). */
  async drain(ms: number): Promise<WsResult<T>[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.splice(0);
  }

  unsubscribe(): void {
    this.dispose();
  }
}

/**
 * A graphql-ws client of a test hub (`http://…` becomes `ws://…/graphql`), authenticated in
 * connection_init with `{ authorization: 'Bearer …' }` or `{ apiKey: '…' }`.
 */
export class WsClient {
  private constructor(private readonly client: Client) {}

  /**
   * Connects and waits for connection_ack; rejects with a WsClosed when the server refuses
   * the socket (e.g. 4403 for missing or wrong credentials).
   */
  static async connect(hubUrl: string, connectionParams: Record<string, unknown> = {}): Promise<WsClient> {
    const url = `${hubUrl.replace(/^http/, 'ws')}/graphql`;
    let settle: { resolve: () => void; reject: (e: WsClosed) => void } | undefined;
    const connected = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams,
      lazy: false,
      retryAttempts: 0,
      shouldRetry: () => false,
      onNonLazyError: () => undefined,
      on: {
        connected: () => settle?.resolve(),
        closed: (e) => {
          const ev = e as { code?: number; reason?: string };
          settle?.reject({ code: ev.code ?? 0, reason: ev.reason ?? '' });
        },
      },
    });
    try {
      await connected;
    } catch (e) {
      await client.dispose();
      throw e;
    }
    return new WsClient(client);
  }

  /** Connects with a user's bearer token (`session.accessToken`). */
  static forToken(hubUrl: string, accessToken: string): Promise<WsClient> {
    return WsClient.connect(hubUrl, { authorization: `Bearer ${accessToken}` });
  }

  /** Connects with an API key's secret. */
  static forApiKey(hubUrl: string, secret: string): Promise<WsClient> {
    return WsClient.connect(hubUrl, { apiKey: secret });
  }

  /**
   * Starts a subscription. graphql-ws does not acknowledge a subscribe, so `settleMs` gives
   * the server (and Redis, across replicas) time to register it before the caller publishes.
   */
  async subscribe<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, settleMs = 300): Promise<WsSubscription<T>> {
    const sub = new WsSubscription<T>(this.client, query, variables);
    await new Promise((r) => setTimeout(r, settleMs));
    return sub;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

/** Tries to connect and answers how the server closed the socket (or 'connected'). */
export async function connectOutcome(hubUrl: string, connectionParams: Record<string, unknown>): Promise<WsClosed | 'connected'> {
  try {
    const c = await WsClient.connect(hubUrl, connectionParams);
    await c.close();
    return 'connected';
  } catch (e) {
    return e as WsClosed;
  }
}
