// The console's session: the access token lives in this module's memory only; the refresh token
// is an HttpOnly cookie the page never sees, sent by the browser to /console/session/* alone.
import { createClient, type Client } from 'graphql-ws';

export interface SessionUser {
  id: string;
  displayName: string;
  role: 'VIEWER' | 'LIAISON_OFFICER' | 'COORDINATOR' | 'ADMIN';
  organisationId: string;
}

interface SessionAnswer {
  accessToken: string;
  accessTokenExpiresAt: string;
  user: SessionUser;
}

export class GraphqlError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

type Listener = () => void;

const SESSION = '/console/session';
/** Renew this long before the access token ends, so that no request meets an expired one. */
const RENEW_AHEAD_MS = 30_000;

let accessToken: string | null = null;
let user: SessionUser | null = null;
let renewTimer: ReturnType<typeof setTimeout> | undefined;
let renewing: Promise<boolean> | null = null;
let online = true;
const listeners = new Set<Listener>();

function notify(): void {
  for (const l of listeners) l();
}
export function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
export const currentUser = (): SessionUser | null => user;
export const isOnline = (): boolean => online;
let probe: ReturnType<typeof setInterval> | undefined;
function setOnline(v: boolean): void {
  if (online === v) return;
  online = v;
  clearInterval(probe);
  // While the hub does not answer, ask it every few seconds; the first answer brings the views back
  // (they reload when `online` turns true, and the socket resubscribes by itself).
  if (!v) probe = setInterval(() => void fetch('/health/live', { cache: 'no-store' }).then((r) => r.ok && setOnline(true), () => undefined), 3000);
  notify();
}
window.addEventListener('offline', () => setOnline(false));

async function sessionCall(path: string, body: unknown = {}): Promise<Response> {
  // JSON and the custom header: the cookie endpoints' defence against cross-site requests.
  return fetch(`${SESSION}${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-hub-console': '1' },
    body: JSON.stringify(body),
  });
}

function accept(a: SessionAnswer): void {
  accessToken = a.accessToken;
  user = a.user;
  clearTimeout(renewTimer);
  const wait = Math.max(1000, new Date(a.accessTokenExpiresAt).getTime() - Date.now() - RENEW_AHEAD_MS);
  renewTimer = setTimeout(() => void renew(), wait);
  notify();
}

function forget(): void {
  accessToken = null;
  user = null;
  clearTimeout(renewTimer);
  ws?.dispose();
  ws = null;
  notify();
}

export async function signIn(email: string, password: string): Promise<'ok' | 'failed' | 'error'> {
  try {
    const res = await sessionCall('', { email, password });
    setOnline(true);
    if (res.ok) {
      accept((await res.json()) as SessionAnswer);
      return 'ok';
    }
    return res.status === 401 ? 'failed' : 'error';
  } catch {
    setOnline(false);
    return 'error';
  }
}

/** A new access token from the cookie (rotating it); false when the session is over. */
export function renew(): Promise<boolean> {
  renewing ??= (async () => {
    try {
      const res = await sessionCall('/refresh');
      setOnline(true);
      if (res.ok) {
        accept((await res.json()) as SessionAnswer);
        return true;
      }
      forget();
      return false;
    } catch {
      setOnline(false);
      return false;
    } finally {
      renewing = null;
    }
  })();
  return renewing;
}

export async function signOut(): Promise<void> {
  try {
    await sessionCall('/logout');
  } finally {
    forget();
  }
}

/** One GraphQL operation over HTTP with the access token; an expired token is renewed once. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, retried = false): Promise<T> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    setOnline(false);
    throw new GraphqlError('offline', 'OFFLINE');
  }
  setOnline(res.status < 502);
  const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  const err = body.errors?.[0];
  if (err?.extensions?.code === 'UNAUTHENTICATED' && !retried && (await renew())) return gql<T>(query, variables, true);
  if (err) throw new GraphqlError(err.message, err.extensions?.code);
  return body.data as T;
}

let ws: Client | null = null;

/** The one graphql-ws socket, opened on first use; it reconnects by itself with the current token. */
export function live(): Client {
  ws ??= createClient({
    url: `${location.origin.replace(/^http/, 'ws')}/graphql`,
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (n) => new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** n, 10_000))),
    connectionParams: async () => {
      // A socket reopened after a long outage may need a fresh token first.
      if (!accessToken) await renew();
      return { authorization: `Bearer ${accessToken}` };
    },
    on: {
      connected: () => setOnline(true),
      closed: (e) => {
        const code = (e as CloseEvent | undefined)?.code;
        // 4403: the hub closed it because the session ended; 4401/4400: credentials refused.
        if (code === 4403 || code === 4401) void renew();
        // 1000: closed on purpose (no subscription left); anything else is a lost connection.
        else if (user && code !== 1000) setOnline(false);
      },
    },
  });
  return ws;
}

/** Subscribe to one operation; returns the unsubscribe function. */
export function subscribeLive<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => void): () => void {
  return live().subscribe<T>({ query, variables }, { next: (r) => r.data && onData(r.data as T), error: () => undefined, complete: () => undefined });
}
