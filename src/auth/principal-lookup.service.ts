import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import type { Principal } from '../common/auth/principal.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { UnauthenticatedError } from '../common/errors/domain-errors.js';
import { JwtTokenService } from './jwt-token.service.js';
import { API_KEY_PREFIX, sha256Hex } from './tokens.js';

export const INVALID_CREDENTIALS = 'The credentials are invalid or have expired';

/** When a user's credentials hold (users `u`, organisations `o`): both active. */
const USER_HOLDS = `u.active AND o.active`;
/** When the session (refresh-token family) `family` has been ended. */
const sessionEnded = (family: string) => `EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = ${family} AND t.revoked_at IS NOT NULL)`;
/** When an API key holds (api_keys `k`, organisations `o`). */
const KEY_HOLDS = `k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now()) AND o.active`;

/**
 * Turns verified credentials into a Principal, for the passport strategies (HTTP) and for
 * WebSocket connections alike. An inactive user, an inactive organisation, an ended session,
 * a revoked or expired key stops working on the next request.
 */
@Injectable()
export class PrincipalLookupService {
  /**
   * Hashes of API keys that do not exist. A key's hash is stored when the key is made and kept
   * after revocation, and a new key is 256 random bits: a hash that is unknown now stays
   * unknown, so the same wrong key sent again costs no database look-up. Keys that exist but no
   * longer hold (revoked, expired, organisation inactive) are not kept here: looked up each time.
   */
  private readonly unknownKeys = new LRUCache<string, true>({ max: 10_000 });

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jwt: JwtTokenService,
  ) {}

  /**
   * The user behind an access token, if the user and the organisation are active and the
   * session it was issued in has not been ended (logout, reuse detection, password change).
   */
  async principalForUser(userId: string, sessionId: string | null): Promise<Principal> {
    const [row] = await this.db.query(
      `SELECT u.id, u.role, u.organisation_id FROM users u JOIN organisations o ON o.id = u.organisation_id
        WHERE u.id = $1 AND ${USER_HOLDS} AND NOT ${sessionEnded('$2')}`,
      [userId, sessionId],
    );
    if (!row) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    return { kind: 'user', userId: row.id, apiKeyId: null, organisationId: row.organisation_id, role: row.role as Role, scopes: null, sessionId };
  }

  async principalForApiKey(secret: string): Promise<Principal> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 200) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    const hash = sha256Hex(secret);
    if (this.unknownKeys.has(hash)) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    // Touches last_used_at at most once a minute, in the same statement as the look-up.
    const [row] = await this.db.query(
      `WITH k AS (
         SELECT k.id, k.organisation_id, k.scopes, k.last_used_at, ${KEY_HOLDS} AS holds
           FROM api_keys k JOIN organisations o ON o.id = k.organisation_id
          WHERE k.key_hash = $1
       ), touched AS (
         UPDATE api_keys SET last_used_at = now() WHERE id = (SELECT id FROM k WHERE holds)
            AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
       )
       SELECT id, organisation_id, scopes, holds FROM k`,
      [hash],
    );
    if (!row) this.unknownKeys.set(hash, true);
    if (!row?.holds) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    return { kind: 'apiKey', userId: null, apiKeyId: row.id, organisationId: row.organisation_id, role: Role.LIAISON_OFFICER, scopes: row.scopes as ApiScope[] };
  }

  async principalForBearer(token: string): Promise<Principal> {
    const payload = await this.jwt.verify(token);
    return this.principalForUser(payload.sub, payload.sid ?? null);
  }

  /**
   * The positions in `principals` of those that no longer hold: a user or organisation made
   * inactive, a session ended, a user's role or organisation changed; an API key revoked or
   * expired, or its organisation inactive. One statement per kind of principal present.
   */
  async noLongerValid(principals: readonly Principal[]): Promise<number[]> {
    const users = principals.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === 'user');
    const keys = principals.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === 'apiKey');
    const stale: number[] = [];
    if (users.length) {
      const rows: { n: string }[] = await this.db.query(
        `SELECT x.n FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[]) WITH ORDINALITY AS x(user_id, session_id, role, organisation_id, n)
          WHERE NOT EXISTS (SELECT 1 FROM users u JOIN organisations o ON o.id = u.organisation_id
                             WHERE u.id = x.user_id AND ${USER_HOLDS} AND u.role = x.role AND u.organisation_id = x.organisation_id)
             OR ${sessionEnded('x.session_id')}`,
        [users.map(({ p }) => p.userId), users.map(({ p }) => p.sessionId ?? null), users.map(({ p }) => p.role), users.map(({ p }) => p.organisationId)],
      );
      for (const r of rows) stale.push(users[Number(r.n) - 1].i);
    }
    if (keys.length) {
      const rows: { n: string }[] = await this.db.query(
        `SELECT x.n FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(key_id, organisation_id, n)
          WHERE NOT EXISTS (SELECT 1 FROM api_keys k JOIN organisations o ON o.id = k.organisation_id
                             WHERE k.id = x.key_id AND k.organisation_id = x.organisation_id AND ${KEY_HOLDS})`,
        [keys.map(({ p }) => p.apiKeyId), keys.map(({ p }) => p.organisationId)],
      );
      for (const r of rows) stale.push(keys[Number(r.n) - 1].i);
    }
    return stale;
  }
}
