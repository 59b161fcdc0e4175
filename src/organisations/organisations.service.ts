import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isAdmin } from '../common/auth/principal.js';
import { isUniqueViolation } from '../common/database/sql.js';
import { TransactionService } from '../common/database/transaction.service.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { rowLoader } from '../common/loaders/row-loader.js';
import { decodeCursor, toConnection, type Connection } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { CreateOrganisationInput, UpdateOrganisationInput } from './dto/organisation.inputs.js';
import type { OrganisationsArgs } from './dto/organisations.args.js';
import { OrganisationEntity } from './entities/organisation.entity.js';
import { Organisation } from './models/organisation.model.js';

const ORG_COLUMNS = `id, name, code, kind, duty_officer_phone AS "dutyOfficerPhone", email, active`;

/** The organisation columns of `alias` as `<prefix><column>`, for OrganisationsService.primeFromRow. */
export function orgColumnsAs(alias: string, prefix: string): string {
  return ['id', 'name', 'code', 'kind', 'duty_officer_phone', 'email', 'active'].map((c) => `${alias}.${c} AS ${prefix}${c}`).join(', ');
}

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tx: TransactionService,
  ) {}

  /** The directory, ordered by name (then id), filtered by a name or code fragment and kinds. */
  async list(_ctx: RequestContext, args: OrganisationsArgs): Promise<Connection<Organisation>> {
    const qb = this.db.getRepository(OrganisationEntity).createQueryBuilder('o');
    if (args.search) {
      const pattern = `%${args.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(o.name ILIKE :pattern OR o.code ILIKE :pattern)', { pattern });
    }
    if (args.kind?.length) qb.andWhere('o.kind IN (:...kinds)', { kinds: args.kind });
    const totalCount = await qb.clone().getCount();
    const cursor = decodeCursor(args.after, ['text', 'uuid']);
    if (cursor) {
      qb.andWhere('(lower(o.name), o.id) > (:name, :id)', { name: String(cursor[0]), id: String(cursor[1]) });
    }
    const rows = await qb.orderBy('lower(o.name)', 'ASC').addOrderBy('o.id', 'ASC').limit(args.first + 1).getMany();
    return toConnection(rows, args.first, totalCount, (o) => [o.name.toLowerCase(), o.id], Organisation.fromEntity);
  }

  /** Any principal may read the directory. */
  async findById(ctx: RequestContext, id: string): Promise<Organisation | null> {
    const row = await this.loader(ctx).load(id);
    return row ? Organisation.fromEntity(row) : null;
  }

  /** For field resolvers (`user.organisation`, `participant.organisation`...): batched per request. */
  async require(ctx: RequestContext, id: string): Promise<Organisation> {
    const org = await this.findById(ctx, id);
    if (!org) throw new NotFoundError('Organisation', id);
    return org;
  }

  /**
   * The organisation of each row that another statement already selected (with
   * `orgColumnsAs`), put into this request's organisation loader so that field resolvers
   * reaching them (recipients, acknowledgements...) send no statement of their own.
   */
  primeFromRow(ctx: RequestContext, selected: object, prefix: string): Organisation {
    const row = selected as Record<string, unknown>;
    const entity = {
      id: row[`${prefix}id`],
      name: row[`${prefix}name`],
      code: row[`${prefix}code`],
      kind: row[`${prefix}kind`],
      dutyOfficerPhone: row[`${prefix}duty_officer_phone`],
      email: row[`${prefix}email`],
      active: row[`${prefix}active`],
    } as OrganisationEntity;
    this.loader(ctx).prime(entity.id, entity);
    return Organisation.fromEntity(entity);
  }

  private loader(ctx: RequestContext) {
    return rowLoader<OrganisationEntity>(ctx, this.db, 'organisation', `SELECT ${ORG_COLUMNS} FROM organisations WHERE id = ANY($1::uuid[])`);
  }

  async create(ctx: RequestContext, input: CreateOrganisationInput): Promise<Organisation> {
    try {
      return await this.tx.run(ctx, async (tx) => {
        const [row] = await tx.query(
          `INSERT INTO organisations (name, code, kind, duty_officer_phone, email) VALUES ($1, $2, $3, $4, $5) RETURNING ${ORG_COLUMNS}`,
          [input.name, input.code, input.kind, input.dutyOfficerPhone ?? null, input.email ?? null],
        );
        tx.audit({ action: 'organisation.create', entityType: 'Organisation', entityId: row.id, details: { ...input } });
        return Organisation.fromEntity(row);
      });
    } catch (e) {
      if (isUniqueViolation(e, 'organisations_code_key')) throw new ConflictError(ConflictReason.DUPLICATE, `An organisation with code ${input.code} exists`);
      throw e;
    }
  }

  /** ADMIN changes anything; a LIAISON_OFFICER only the own organisation's duty phone and email. */
  async update(ctx: RequestContext, id: string, input: UpdateOrganisationInput): Promise<Organisation> {
    const p = ctx.who;
    if (!isAdmin(p)) {
      if (p.organisationId !== id) {
        if (!(await this.findById(ctx, id))) throw new NotFoundError('Organisation', id);
        throw new ForbiddenError('Only ADMIN may change another organisation');
      }
      const adminOnly = (['name', 'kind', 'active'] as const).filter((k) => input[k] !== undefined);
      if (adminOnly.length) throw new ForbiddenError(`Only ADMIN may change ${adminOnly.join(', ')}`);
    }
    return this.tx.run(ctx, async (tx) => {
      const [row] = await tx.query(
        `UPDATE organisations SET name = COALESCE($2, name), kind = COALESCE($3, kind),
                duty_officer_phone = COALESCE($4, duty_officer_phone), email = COALESCE($5, email),
                active = COALESCE($6, active), updated_at = now()
          WHERE id = $1 RETURNING ${ORG_COLUMNS}`,
        [id, input.name ?? null, input.kind ?? null, input.dutyOfficerPhone ?? null, input.email ?? null, input.active ?? null],
      );
      if (!row) throw new NotFoundError('Organisation', id);
      tx.audit({ action: 'organisation.update', entityType: 'Organisation', entityId: id, details: { ...input } });
      return Organisation.fromEntity(row);
    });
  }
}
