import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { EventBus } from './event-bus.service.js';

/** The event bus topic on which credential changes are announced to every replica. */
export const CREDENTIALS_CHANGED = 'hub.credentialsChanged';

/**
 * Whose credentials may no longer hold as they did: a user's (a session ended, the password or
 * role changed, deactivated), an API key's (revoked), an organisation's (deactivated). It is a
 * hint, not a verdict: whoever caches a principal checks it against the database again.
 * Announced after commit (Tx.onCommit) by the service that made the change.
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

/**
 * The one way credential changes are announced and heard. `announce` calls this replica's
 * listeners before it returns (so the request that made the change, and the next one on this
 * replica, never meet a cached principal that no longer holds), then publishes on the event bus
 * for the other replicas (through Redis where REDIS_URL is set); a replica ignores its own
 * announcements when the bus hands them back.
 */
@Injectable()
export class CredentialAnnouncements {
  private readonly origin = randomUUID();
  private readonly local = new Set<(change: CredentialsChanged) => void>();

  constructor(private readonly events: EventBus) {}

  /** Call after commit (in Tx.onCommit). */
  async announce(change: CredentialsChanged): Promise<void> {
    for (const handler of this.local) handler(change);
    await this.events.publish<CredentialsChanged & { origin: string }>(CREDENTIALS_CHANGED, { ...change, origin: this.origin });
  }

  /** `handler` hears every announcement, from this replica at once and from the others through the bus. */
  async listen(handler: (change: CredentialsChanged) => void): Promise<void> {
    this.local.add(handler);
    await this.events.listen<CredentialsChanged & { origin?: string }>(CREDENTIALS_CHANGED, ({ origin, ...change }) => {
      if (origin !== this.origin) handler(change);
    });
  }
}
