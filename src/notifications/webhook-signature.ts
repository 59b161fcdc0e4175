import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header carrying the signatures: `t=<unix seconds>,v1=<hex>[,v1=<hex>]`. */
export const SIGNATURE_HEADER = 'Samverkan-Signature';
export const DELIVERY_HEADER = 'Samverkan-Delivery';
export const EVENT_HEADER = 'Samverkan-Event';

/** A new signing secret: 32 random bytes; the prefix makes a leaked one recognisable in scanners and logs. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** HMAC-SHA256 of `${timestamp}.${body}` with the secret (its UTF-8 bytes, as the receiver has it), in hex. */
export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The header's value: one `v1` per secret that signs (the current one, and during a rotation's
 * overlap the previous one), so a receiver holding either accepts the request.
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signature(s, timestamp, body)}`)].join(',');
}

/**
 * The receiver's check (docs/notifications.md has it as a recipe): a `v1` made with the secret,
 * over the exact body received, with a timestamp no older than `toleranceSeconds` (replays).
 */
export function verifySignature(secret: string, header: string, body: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, t, body), 'hex');
  return parts.some(([k, v]) => k === 'v1' && v?.length === expected.length * 2 && timingSafeEqual(Buffer.from(v, 'hex'), expected));
}
