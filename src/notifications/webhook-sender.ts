import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { RefusedAddressError, resolveAllowed } from './address-guard.js';

export interface SendOutcome {
  /** The receiver's status; null when no answer came (refused address, connection error, timeout). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const ERROR_MAX = 500;

/**
 * POSTs one webhook. The host is resolved and checked here, and the connection goes to the very
 * address that was checked (the socket's lookup is pinned to it), so a name that resolves to a
 * public address for the check and to a private one for the connection (DNS rebinding) gains
 * nothing. Redirects are not followed: a 3xx is an answer like any other non-2xx. The timeout
 * covers the whole exchange; of the answer only the status is kept, the body is discarded.
 */
export async function sendWebhook(url: string, headers: Record<string, string>, body: string, opts: { timeoutMs: number; allowPrivate: boolean }): Promise<SendOutcome> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): SendOutcome => ({
    statusCode,
    error: error && error.slice(0, ERROR_MAX),
    durationMs: Math.round(performance.now() - started),
  });
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return done(null, `unsupported protocol ${target.protocol}`);
    const [pinned] = await resolveAllowed(target.hostname, opts.allowPrivate);
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const statusCode = await new Promise<number>((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Samverkan-Webhooks/1' },
          lookup,
          signal,
          // A connection of its own: a pooled socket could lead to an address checked long ago.
          agent: false,
        },
        (res: IncomingMessage) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    return done(statusCode, statusCode >= 200 && statusCode < 300 ? null : `HTTP ${statusCode}`);
  } catch (e) {
    if (signal.aborted) return done(null, `no answer within ${opts.timeoutMs} ms`);
    if (e instanceof RefusedAddressError) return done(null, `refused: ${e.message}`);
    return done(null, (e as Error).message || String(e));
  }
}
