import { Injectable } from '@nestjs/common';
import { sha256Hex } from '../common/auth/secret-hash.js';
import { apiKeyDisplayPrefix, newApiKeySecret } from './api-key-secrets.js';
import { CredentialAnnouncements } from '../common/events/credentials-changed.js';
import { Permission } from '../common/access/permission.js';
import { ConflictError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { rowLoader } from '../common/loaders/row-loader.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { CreateApiKeyInput } from './dto/create-api-key.input.js';
import { API_KEY_COLUMNS, ApiKey, type ApiKeyRow, type CreatedApiKey } from './models/api-key.model.js';
import { FeatureKit } from '../database/feature-kit.js';

/** When an API key holds (api_keys `k`, organisations `o`). */
const KEY_HOLDS = `k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now()) AND o.active`;

/** An API key found by its hash, for authentication. */
export interface KeyHolder {
  id: string;
  organisationId: string;
  scopes: string[];
  /** Not revoked, not expired, its organisation active. */
  holds: boolean;
  expiresAt: Date | null;
}

/** API keys: ADMIN for any organisation; LIAISON_OFFICER and up for their own. Users only. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly kit: FeatureKit,
    private readonly credentials: CredentialAnnouncements,
  ) {}

  async list(ctx: RequestContext, organisationId?: string): Promise<ApiKey[]> {
    // Another organisation's keys are not even listed: NOT_FOUND.
    const owner = await this.kit.access.listedOrganisation(ctx, Permission.OrganisationApiKeysManage, organisationId, 'API keys of organisation');
    const rows: ApiKeyRow[] = await this.kit.db.query(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE ($1::uuid IS NULL OR organisation_id = $1) ORDER BY created_at, id`,
      [owner],
    );
    return rows.map(ApiKey.fromRow);
  }

  /**
   * For authentication (auth/principal-lookup.service.ts): the key with this hash, and whether
   * it holds; null when no key has it. Touches last_used_at at most once a minute, in the same
   * statement.
   */
  async holderOfHash(hash: string): Promise<KeyHolder | null> {
    const [row] = await this.kit.db.query(
      `WITH k AS (
         SELECT k.id, k.organisation_id, k.scopes, k.expires_at, ${KEY_HOLDS} AS holds
           FROM api_keys k JOIN organisations o ON o.id = k.organisation_id
          WHERE k.key_hash = $1
       ), touched AS (
         UPDATE api_keys SET last_used_at = now() WHERE id = (SELECT id FROM k WHERE holds)
            AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
       )
       SELECT id, organisation_id, scopes, expires_at, holds FROM k`,
      [hash],
    );
    return row ? { id: row.id, organisationId: row.organisation_id, scopes: row.scopes, holds: row.holds, expiresAt: row.expires_at } : null;
  }

  /** The positions in `keys` of those that no longer hold: revoked, expired, organisation inactive or changed. One statement. */
  async noLongerHolding(keys: readonly { apiKeyId: string; organisationId: string }[]): Promise<number[]> {
    if (!keys.length) return [];
    const rows: { n: string }[] = await this.kit.db.query(
      `SELECT x.n FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(key_id, organisation_id, n)
        WHERE NOT EXISTS (SELECT 1 FROM api_keys k JOIN organisations o ON o.id = k.organisation_id
                           WHERE k.id = x.key_id AND k.organisation_id = x.organisation_id AND ${KEY_HOLDS})`,
      [keys.map((k) => k.apiKeyId), keys.map((k) => k.organisationId)],
    );
    return rows.map((r) => Number(r.n) - 1);
  }

  /** For AuditEvent.actorApiKey: visible to ADMIN and the key's own organisation. */
  async findVisible(ctx: RequestContext, id: string): Promise<ApiKey | null> {
    if (!(await this.kit.access.checkAccess(ctx, Permission.ApiKeyManage, [id])).size) return null;
    const row = await rowLoader<ApiKeyRow>(ctx, this.kit.db, 'apiKey', `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = ANY($1::uuid[])`).load(id);
    return row && ApiKey.fromRow(row);
  }

  async create(ctx: RequestContext, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const p = ctx.who;
    const organisationId = input.organisationId ?? p.organisationId;
    const secret = newApiKeySecret();
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.OrganisationApiKeysManage, organisationId, tx.manager);
      const [row] = await tx.query<ApiKeyRow>(
        `INSERT INTO api_keys (organisation_id, name, prefix, key_hash, scopes, created_by_user_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${API_KEY_COLUMNS}`,
        [organisationId, input.name, apiKeyDisplayPrefix(secret), sha256Hex(secret), [...new Set(input.scopes)], p.userId, input.expiresAt ?? null],
      );
      tx.audit({ action: 'apiKey.create', entityType: 'ApiKey', entityId: row.id, details: { name: row.name, scopes: row.scopes, organisationId, prefix: row.prefix } });
      return { apiKey: ApiKey.fromRow(row), secret };
    });
  }

  /**
   * Effective on the next request: the revocation is announced to every replica
   * (CredentialAnnouncements), which drops the key from its principal cache and checks the key's
   * open WebSockets again at once.
   */
  async revoke(ctx: RequestContext, id: string): Promise<ApiKey> {
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.ApiKeyManage, id, tx.manager);
      const [current] = await tx.query<ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1 FOR UPDATE`, [id]);
      if (current.revoked_at) throw new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, 'The API key is already revoked');
      const [row] = await tx.query<ApiKeyRow>(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING ${API_KEY_COLUMNS}`, [id]);
      tx.audit({ action: 'apiKey.revoke', entityType: 'ApiKey', entityId: id, details: { name: row.name } });
      tx.onCommit(() => this.credentials.announce({ apiKeyIds: [id] }));
      return ApiKey.fromRow(row);
    });
  }
}
