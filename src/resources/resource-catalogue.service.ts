import { Injectable } from '@nestjs/common';
import { Permission } from '../common/access/permission.js';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { CreateResourceTypeInput, SetResourceHoldingInput } from './dto/resource.inputs.js';
import { HOLDING_COLUMNS, ResourceHolding, type ResourceHoldingRow } from './models/resource-holding.model.js';
import type { ResourceCategory } from './models/resource.enums.js';
import { RESOURCE_TYPE_COLUMNS, ResourceType, type ResourceTypeRow } from './models/resource-type.model.js';
import { ResourceLoaders } from './resource.loaders.js';
import { FeatureKit } from '../database/feature-kit.js';

/** The shared resource catalogue and every organisation's holdings: readable by any principal. */
@Injectable()
export class ResourceCatalogueService {
  constructor(
    private readonly kit: FeatureKit,
    private readonly loaders: ResourceLoaders,
  ) {}

  /** The catalogue in category, then name order. */
  async listTypes(_ctx: RequestContext, category?: ResourceCategory): Promise<ResourceType[]> {
    const rows: ResourceTypeRow[] = await this.kit.db.query(
      `SELECT ${RESOURCE_TYPE_COLUMNS} FROM resource_types WHERE ($1::text IS NULL OR category = $1) ORDER BY category, lower(name), id`,
      [category ?? null],
    );
    return rows.map(ResourceType.fromRow);
  }

  async createType(ctx: RequestContext, input: CreateResourceTypeInput): Promise<ResourceType> {
    return this.kit.tx.run(ctx, async (tx) => {
      const [row] = await tx.query<ResourceTypeRow>(
        `INSERT INTO resource_types (code, name, category, unit, description) VALUES ($1, $2, $3, $4, $5) RETURNING ${RESOURCE_TYPE_COLUMNS}`,
        [input.code, input.name, input.category, input.unit, input.description ?? null],
      );
      tx.audit({ action: 'resourceType.create', entityType: 'ResourceType', entityId: row.id, details: { ...input } });
      return ResourceType.fromRow(row);
    });
  }

  async requireType(ctx: RequestContext, id: string): Promise<ResourceType> {
    const row = await this.loaders.resourceType(ctx).load(id);
    if (!row) throw new NotFoundError('ResourceType', id);
    return ResourceType.fromRow(row);
  }

  /** Holdings, filtered by type and organisation, in organisation then type order. */
  async listHoldings(_ctx: RequestContext, resourceTypeId?: string, organisationId?: string): Promise<ResourceHolding[]> {
    const rows: ResourceHoldingRow[] = await this.kit.db.query(
      `SELECT ${HOLDING_COLUMNS} FROM resource_holdings h
         JOIN organisations o ON o.id = h.organisation_id JOIN resource_types t ON t.id = h.resource_type_id
        WHERE ($1::uuid IS NULL OR h.resource_type_id = $1) AND ($2::uuid IS NULL OR h.organisation_id = $2)
        ORDER BY lower(o.name), lower(t.name), h.id`,
      [resourceTypeId ?? null, organisationId ?? null],
    );
    return rows.map(ResourceHolding.fromRow);
  }

  async holdingsOf(ctx: RequestContext, organisationId: string): Promise<ResourceHolding[]> {
    return (await this.loaders.holdingsOfOrganisation(ctx).load(organisationId)).map(ResourceHolding.fromRow);
  }

  async requireHolding(ctx: RequestContext, id: string): Promise<ResourceHolding> {
    const row = await this.loaders.holding(ctx).load(id);
    if (!row) throw new NotFoundError('ResourceHolding', id);
    return ResourceHolding.fromRow(row);
  }

  /**
   * One holding per organisation and type: the first call creates it, later ones update it.
   * Fields left out keep their value. The total may not drop below what accepted and
   * dispatched loans hold: checked under the row lock, and by the table's CHECK besides.
   */
  async setHolding(ctx: RequestContext, input: SetResourceHoldingInput): Promise<ResourceHolding> {
    const p = ctx.who;
    const organisationId = input.organisationId ?? p.organisationId;
    await this.kit.access.requireAccess(ctx, Permission.OrganisationHoldingsWrite, organisationId);
    return this.kit.tx.run(ctx, async (tx) => {
      const [type] = await tx.query(`SELECT id FROM resource_types WHERE id = $1`, [input.resourceTypeId]);
      if (!type) throw new NotFoundError('ResourceType', input.resourceTypeId);

      const [current] = await tx.query<ResourceHoldingRow>(
        `SELECT ${HOLDING_COLUMNS} FROM resource_holdings h WHERE h.organisation_id = $1 AND h.resource_type_id = $2 FOR UPDATE`,
        [organisationId, input.resourceTypeId],
      );
      if (current && input.quantityTotal < current.quantity_committed) {
        throw new ConflictError(
          ConflictReason.QUANTITY_BELOW_COMMITTED,
          `quantityTotal ${input.quantityTotal} is below the ${current.quantity_committed} committed to loans`,
        );
      }
      const keep = <T>(given: T | undefined, old: T | null | undefined): T | null => (given === undefined ? (old ?? null) : given);
      const location = input.location === undefined ? (current ? { latitude: current.latitude, longitude: current.longitude } : null) : input.location;
      const values = [
        organisationId,
        input.resourceTypeId,
        input.quantityTotal,
        location?.latitude ?? null,
        location?.longitude ?? null,
        keep(input.locationName, current?.location_name),
        keep(input.notes, current?.notes),
      ];
      // Under the holding's lock, the check above is the refusal; the constraint is only a backstop.
      const [row] = await tx.query<ResourceHoldingRow>(
          `INSERT INTO resource_holdings AS h (organisation_id, resource_type_id, quantity_total, latitude, longitude, location_name, notes)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (organisation_id, resource_type_id) DO UPDATE
             SET quantity_total = EXCLUDED.quantity_total, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
                 location_name = EXCLUDED.location_name, notes = EXCLUDED.notes, updated_at = now()
           RETURNING ${HOLDING_COLUMNS}`,
          values,
        );
      tx.audit({
        action: current ? 'resourceHolding.update' : 'resourceHolding.create',
        entityType: 'ResourceHolding',
        entityId: row.id,
        details: { organisationId, resourceTypeId: input.resourceTypeId, quantityTotal: input.quantityTotal, previousTotal: current?.quantity_total ?? null },
      });
      return ResourceHolding.fromRow(row);
    });
  }
}
