import { createHash } from 'node:crypto';

/** Refresh tokens and API keys are random secrets, stored only as their SHA-256. */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
