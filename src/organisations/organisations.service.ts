import { Injectable } from '@nestjs/common';
import { CredentialAnnouncements } from '../common/events/credentials-changed.js';
import { Permission } from '../common/access/permission.js';
import { isAdmin } from '../common/auth/principal.js';
import { ForbiddenError, NotFoundError } from '../common/errors/domain-errors.js';
import { DirectoryCache } from '../common/cache/picture-stamps.js';
import { AppConfig } from '../config/app-config.js';
import { rowLoader } from '../common/loaders/row-loader.js';
import { decodeCursor, toConnection, type Connection } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { CreateOrganisationInput, UpdateOrganisationInput } from './dto/organisation.inputs.js';
import type { OrganisationsArgs } from './dto/organisations.args.js';
import type { OrganisationKind } from './models/organisation-kind.enum.js';
import { Organisation } from './models/organisation.model.js';
import { FeatureKit } from '../database/feature-kit.js';

/** An `organisations` row as this service selects it (ORG_COLUMNS): the model's own fields. */
interface OrganisationRow {
  id: string;
  name: string;
  code: string;
  kind: OrganisationKind;
  dutyOfficerPhone: string | null;
  email: string | null;
  active: boolean;
}

const ORG_COLUMNS = `id, name, code, kind, duty_officer_phone AS "dutyOfficerPhone", email, active`;

function organisation(row: OrganisationRow): Organisation {
  return Object.assign(new Organisation(), row);
}

@Injectable()
export class OrganisationsService {
  private readonly directory: DirectoryCache<OrganisationRow>;

  constructor(
    private readonly kit: FeatureKit,
    private readonly credentials: CredentialAnnouncements,
    config: AppConfig,
  ) {
    this.directory = new DirectoryCache(config.pictureCache.directoryRecords);
  }

  /** The directory, ordered by name (then id), filtered by a name or code fragment and kinds. */
  async list(_ctx: RequestContext, args: OrganisationsArgs): Promise<Connection<Organisation>> {
    const pattern = args.search ? `%${args.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const where = `($1::text IS NULL OR o.name ILIKE $1 OR o.code ILIKE $1) AND ($2::text[] IS NULL OR o.kind = ANY($2))`;
    const params = [pattern, args.kind?.length ? args.kind : null];
    const [{ total }] = await this.kit.db.query(`SELECT count(*)::int AS total FROM organisations o WHERE ${where}`, params);
    const cursor = decodeCursor(args.after, ['text', 'uuid']);
    const rows: OrganisationRow[] = await this.kit.db.query(
      `SELECT ${ORG_COLUMNS} FROM organisations o
        WHERE ${where} AND ($3::text IS NULL OR (lower(o.name), o.id) > ($3, $4::uuid))
        ORDER BY lower(o.name), o.id LIMIT $5`,
      [...params, cursor ? String(cursor[0]) : null, cursor ? String(cursor[1]) : null, args.first + 1],
    );
    return toConnection(rows, args.first, total, (o) => [o.name.toLowerCase(), o.id], organisation);
  }

  /** Any principal may read the directory. */
  async findById(ctx: RequestContext, id: string): Promise<Organisation | null> {
    const row = await this.loader(ctx).load(id);
    return row ? organisation(row) : null;
  }

  /** For field resolvers (`user.organisation`, `participant.organisation`...): batched per request. */
  async require(ctx: RequestContext, id: string): Promise<Organisation> {
    const org = await this.findById(ctx, id);
    if (!org) throw new NotFoundError('Organisation', id);
    return org;
  }

  /**
   * The organisations of `ids` as of the directory stamp the caller has just read
   * (`DirectoryCache`): from the process's cache while that stamp holds, else read afresh; in
   * this request's loader either way, so later fields (recipients, acknowledgements…) send no
   * statement of their own. Unknown ids are left out.
   */
  async atDirectoryStamp(ctx: RequestContext, ids: readonly string[], directoryStamp: string | null): Promise<Map<string, Organisation>> {
    const rows = await this.directory.load(this.loader(ctx), ids, directoryStamp);
    return new Map([...rows].map(([id, row]) => [id, organisation(row)]));
  }

  private loader(ctx: RequestContext) {
    return rowLoader<OrganisationRow>(ctx, this.kit.db, 'organisation', `SELECT ${ORG_COLUMNS} FROM organisations WHERE id = ANY($1::uuid[])`);
  }

  async create(ctx: RequestContext, input: CreateOrganisationInput): Promise<Organisation> {
    return this.kit.tx.run(ctx, async (tx) => {
      const [row] = await tx.query(
        `INSERT INTO organisations (name, code, kind, duty_officer_phone, email) VALUES ($1, $2, $3, $4, $5) RETURNING ${ORG_COLUMNS}`,
        [input.name, input.code, input.kind, input.dutyOfficerPhone ?? null, input.email ?? null],
      );
      tx.audit({ action: 'organisation.create', entityType: 'Organisation', entityId: row.id, details: { ...input } });
      return organisation(row);
    });
  }

  /** ADMIN changes anything; a LIAISON_OFFICER only the own organisation's duty phone and email. */
  async update(ctx: RequestContext, id: string, input: UpdateOrganisationInput): Promise<Organisation> {
    await this.kit.access.requireAccess(ctx, Permission.OrganisationUpdate, id);
    if (!isAdmin(ctx.who)) {
      const adminOnly = (['name', 'kind', 'active'] as const).filter((k) => input[k] !== undefined);
      if (adminOnly.length) throw new ForbiddenError(`Only ADMIN may change ${adminOnly.join(', ')}`);
    }
    return this.kit.tx.run(ctx, async (tx) => {
      const [row] = await tx.query(
        `UPDATE organisations SET name = COALESCE($2, name), kind = COALESCE($3, kind),
                duty_officer_phone = COALESCE($4, duty_officer_phone), email = COALESCE($5, email),
                active = COALESCE($6, active), updated_at = now()
          WHERE id = $1 RETURNING ${ORG_COLUMNS}`,
        [id, input.name ?? null, input.kind ?? null, input.dutyOfficerPhone ?? null, input.email ?? null, input.active ?? null],
      );
      if (!row) throw new NotFoundError('Organisation', id);
      tx.audit({ action: 'organisation.update', entityType: 'Organisation', entityId: id, details: { ...input } });
      // Its users' and keys' open WebSockets are checked again at once.
      if (input.active !== undefined) tx.onCommit(() => this.credentials.announce({ organisationIds: [id] }));
      return organisation(row);
    });
  }
}
