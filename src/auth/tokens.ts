import { randomBytes } from 'node:crypto';

export { sha256Hex } from '../common/auth/secret-hash.js';

export function newRefreshToken(): string {
  return `shr_${randomBytes(32).toString('base64url')}`;
}
