import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { API_KEY_PREFIX } from '../api-keys/api-key-secrets.js';
import type { Principal } from '../common/auth/principal.js';
import { sha256Hex } from '../common/auth/secret-hash.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { UnauthenticatedError } from '../common/errors/domain-errors.js';
import { concerns, CredentialAnnouncements, type CredentialsChanged } from '../common/events/credentials-changed.js';
import { AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { JwtTokenService } from './jwt-token.service.js';

export const INVALID_CREDENTIALS = 'The credentials are invalid or have expired';

interface Cached {
  principal: Principal;
  /** An API key's expiry (ms since the epoch): the entry is not used from then on. */
  expiresAt?: number;
}

/**
 * Turns verified credentials into a Principal, for the passport strategies (HTTP) and for
 * WebSocket connections alike. An inactive user, an inactive organisation, an ended session,
 * a revoked or expired key stops working on the next request.
 *
 * The look-ups themselves belong to the features that own the tables (users: users, sessions;
 * api-keys: api_keys). What is looked up is kept for PRINCIPAL_CACHE_SECONDS per session and per
 * key: a small request then costs no statement for authentication (issue 19). Whatever ends a
 * credential announces it (CredentialAnnouncements: logout, refresh-token reuse, password change,
 * deactivation of a user or an organisation, role change, key revocation); the announcement
 * drops the entries it concerns, on this replica before the mutation answers and on the others
 * as it arrives through Redis. A look-up that was under way when an announcement came is not
 * kept. An expired key's entry is not used past its expiry. The time limit bounds what no
 * announcement tells: a change made in the database directly, an announcement lost while Redis
 * was away (SECURITY.md).
 */
@Injectable()
export class PrincipalLookupService implements OnModuleInit {
  /**
   * Hashes of API keys that do not exist. A key's hash is stored when the key is made and kept
   * after revocation, and a new key is 256 random bits: a hash that is unknown now stays
   * unknown, so the same wrong key sent again costs no database look-up. Keys that exist but no
   * longer hold (revoked, expired, organisation inactive) are not kept here: looked up each time.
   */
  private readonly unknownKeys = new LRUCache<string, true>({ max: 10_000 });
  /** Principals that held when looked up, by `u:<user>:<session>` and `k:<key hash>`. */
  private readonly cache: LRUCache<string, Cached> | null;
  /** Counts announcements: a look-up that saw it change while it ran does not store its answer. */
  private generation = 0;

  constructor(
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly jwt: JwtTokenService,
    private readonly announcements: CredentialAnnouncements,
    config: AppConfig,
  ) {
    const seconds = config.auth.principalCacheSeconds;
    this.cache = seconds > 0 ? new LRUCache<string, Cached>({ max: 20_000, ttl: seconds * 1000 }) : null;
  }

  async onModuleInit(): Promise<void> {
    await this.announcements.listen((change) => this.forget(change));
  }

  /**
   * The user behind an access token, if the user and the organisation are active and the
   * session it was issued in has not been ended (logout, reuse detection, password change).
   */
  async principalForUser(userId: string, sessionId: string | null): Promise<Principal> {
    return this.cached(`u:${userId}:${sessionId ?? ''}`, async () => {
      const user = await this.users.sessionUser(userId, sessionId);
      if (!user) throw new UnauthenticatedError(INVALID_CREDENTIALS);
      return {
        principal: { kind: 'user', userId: user.id, apiKeyId: null, organisationId: user.organisationId, role: user.role as Role, scopes: null, sessionId },
      };
    });
  }

  async principalForApiKey(secret: string): Promise<Principal> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 200) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    const hash = sha256Hex(secret);
    if (this.unknownKeys.has(hash)) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    return this.cached(`k:${hash}`, async () => {
      const key = await this.apiKeys.holderOfHash(hash);
      if (!key) this.unknownKeys.set(hash, true);
      if (!key?.holds) throw new UnauthenticatedError(INVALID_CREDENTIALS);
      return {
        principal: { kind: 'apiKey', userId: null, apiKeyId: key.id, organisationId: key.organisationId, role: Role.LIAISON_OFFICER, scopes: key.scopes as ApiScope[] },
        expiresAt: key.expiresAt?.getTime(),
      };
    });
  }

  async principalForBearer(token: string): Promise<Principal> {
    const payload = await this.jwt.verify(token);
    return this.principalForUser(payload.sub, payload.sid ?? null);
  }

  /**
   * The positions in `principals` of those that no longer hold: a user or organisation made
   * inactive, a session ended, a user's role or organisation changed; an API key revoked or
   * expired, or its organisation inactive. One statement per kind of principal present. Always
   * asks the database (the WebSocket sessions' checks), never the cache.
   */
  async noLongerValid(principals: readonly Principal[]): Promise<number[]> {
    const users = principals.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === 'user');
    const keys = principals.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === 'apiKey');
    const [staleUsers, staleKeys] = await Promise.all([
      this.users.noLongerHolding(users.map(({ p }) => ({ userId: p.userId!, sessionId: p.sessionId ?? null, role: p.role, organisationId: p.organisationId }))),
      this.apiKeys.noLongerHolding(keys.map(({ p }) => ({ apiKeyId: p.apiKeyId!, organisationId: p.organisationId }))),
    ]);
    return [...staleUsers.map((n) => users[n].i), ...staleKeys.map((n) => keys[n].i)];
  }

  private async cached(key: string, lookUp: () => Promise<Cached>): Promise<Principal> {
    const hit = this.cache?.get(key);
    if (hit && (hit.expiresAt === undefined || hit.expiresAt > Date.now())) return hit.principal;
    const generation = this.generation;
    const found = await lookUp();
    if (this.cache && generation === this.generation) this.cache.set(key, found);
    return found.principal;
  }

  /** An announced change: drop every cached principal it concerns. */
  private forget(change: CredentialsChanged): void {
    this.generation++;
    if (!this.cache) return;
    for (const [key, entry] of this.cache.entries()) if (concerns(change, entry.principal)) this.cache.delete(key);
  }
}
