import type { Principal } from '../auth/principal.js';

/** The event bus topic on which credential changes are announced to every replica. */
export const CREDENTIALS_CHANGED = 'hub.credentialsChanged';

/**
 * Whose credentials may no longer hold as they did: a user's (a session ended, the password or
 * role changed, deactivated), an API key's (revoked), an organisation's (deactivated). It is a
 * hint, not a verdict: whoever caches a principal checks it against the database again.
 * Published after commit (Tx.onCommit) by the service that made the change.
 */
export interface CredentialsChanged {
  userIds?: string[];
  apiKeyIds?: string[];
  organisationIds?: string[];
}

export function concerns(change: CredentialsChanged, p: Principal): boolean {
  return (
    (p.userId !== null && !!change.userIds?.includes(p.userId)) ||
    (p.apiKeyId !== null && !!change.apiKeyIds?.includes(p.apiKeyId)) ||
    !!change.organisationIds?.includes(p.organisationId)
  );
}
