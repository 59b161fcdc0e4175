import { randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'shk_';

/** A recognisable prefix (secret scanners look for it) and 32 random bytes. */
export function newApiKeySecret(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored and shown of a key to recognise it: its first characters. */
export function apiKeyDisplayPrefix(secret: string): string {
  return secret.slice(0, API_KEY_PREFIX.length + 8);
}
