import { Injectable } from '@nestjs/common';
import { Permission } from '../common/access/permission.js';
import { seesAllIncidents } from '../common/auth/principal.js';
import { StampedCache, stampedRows, type PictureStamps } from '../common/cache/picture-stamps.js';
import type { Tx } from '../database/transaction.service.js';
import { NotFoundError } from '../common/errors/domain-errors.js';
import { decodeCursor, toConnection, type Connection } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { incidentClosedError, lockIncident, type LockedIncident } from '../incidents/incident-locks.js';
import { incidentVisibleSql } from '../incidents/incidents.access.js';
import { IncidentStatus } from '../incidents/models/incident.enums.js';
import type { CreateResourceRequestInput } from './dto/resource.inputs.js';
import type { IncidentResourceRequestsArgs, ResourceMatchesArgs, ResourceRequestsArgs } from './dto/resource.args.js';
import { ResourceHolding, type ResourceHoldingRow } from './models/resource-holding.model.js';
import type { ResourceMatch } from './models/resource-match.model.js';
import { ResourceLoanStatus, ResourceRequestStatus } from './models/resource.enums.js';
import { ResourceLoan, type ResourceLoanRow } from './models/resource-loan.model.js';
import { REQUEST_COLUMNS, ResourceRequest, type ResourceRequestRow } from './models/resource-request.model.js';
import { lockHoldings, lockIncidentOfRequest, lockRequest, selectLoans } from './resource-locks.js';
import { ResourceEventsService } from './resource-events.service.js';
import { MATCHES_SQL } from './resource-matching.js';
import { OPEN_REQUEST_ORDER, ResourceLoaders } from './resource.loaders.js';
import { invalidTransition } from './resources.errors.js';
import { FeatureKit } from '../database/feature-kit.js';

/** Keyset of request lists: newest first. Microseconds in the cursor, so no two rows tie by accident. */
const SORT_AT = `to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_at`;
type SortedRow = ResourceRequestRow & { sort_at: string; total: number };

@Injectable()
export class ResourceRequestsService {
  private readonly openForPictures: StampedCache<ResourceRequestRow>;

  constructor(
    private readonly kit: FeatureKit,
    private readonly loaders: ResourceLoaders,
    private readonly events: ResourceEventsService,
    config: AppConfig,
  ) {
    this.openForPictures = new StampedCache(config.pictureCache.partRows);
  }

  /** Requests in incidents the caller may see, newest first; a filter on an incident it may not see is NOT_FOUND. */
  async list(ctx: RequestContext, args: ResourceRequestsArgs): Promise<Connection<ResourceRequest>> {
    const p = ctx.who;
    const f = args.filter ?? {};
    if (f.incidentId) await this.kit.access.requireAccess(ctx, Permission.IncidentRead, f.incidentId);
    const cursor = decodeCursor(args.after, ['timestamp', 'uuid']);
    const where = `($1::uuid IS NULL OR r.incident_id = $1) AND ($2::text[] IS NULL OR r.status = ANY($2))
      AND ($3::uuid IS NULL OR r.resource_type_id = $3) AND ($4::uuid IS NULL OR r.requesting_organisation_id = $4)
      AND ${incidentVisibleSql('r.incident_id', '$6', '$5')}`;
    const params = [f.incidentId ?? null, f.status?.length ? f.status : null, f.resourceTypeId ?? null, f.requestingOrganisationId ?? null, seesAllIncidents(p), p.organisationId];
    const [{ total }] = await this.kit.db.query(`SELECT count(*)::int AS total FROM resource_requests r WHERE ${where}`, params);
    const rows: SortedRow[] = await this.kit.db.query(
      `SELECT ${REQUEST_COLUMNS}, ${SORT_AT} FROM resource_requests r
        WHERE ${where} AND ($7::timestamptz IS NULL OR (r.created_at, r.id) < ($7::timestamptz, $8::uuid))
        ORDER BY r.created_at DESC, r.id DESC LIMIT $9`,
      [...params, cursor ? String(cursor[0]) : null, cursor ? String(cursor[1]) : null, args.first + 1],
    );
    return toConnection(rows, args.first, total, (r) => [r.sort_at, r.id], ResourceRequest.fromRow);
  }

  /**
   * `Incident.resourceRequests`: the parent is already visible. Batched over the incidents of
   * a list (one query per distinct set of arguments), newest first.
   */
  async listForIncident(ctx: RequestContext, incidentId: string, args: IncidentResourceRequestsArgs): Promise<Connection<ResourceRequest>> {
    const cursor = decodeCursor(args.after, ['timestamp', 'uuid']);
    const status = args.status?.length ? args.status : null;
    const key = JSON.stringify([status, args.first, args.after ?? null]);
    const loader = this.loaders.grouped<SortedRow>(
      ctx,
      `resources.requestsOfIncident:${key}`,
      `SELECT * FROM (
         SELECT x.*, row_number() OVER (PARTITION BY x.incident_id ORDER BY x.created_at DESC, x.id DESC) AS rn FROM (
           SELECT ${REQUEST_COLUMNS}, ${SORT_AT}, count(*) OVER (PARTITION BY r.incident_id)::int AS total, r.incident_id AS group_key
             FROM resource_requests r WHERE r.incident_id = ANY($1::uuid[]) AND ($2::text[] IS NULL OR r.status = ANY($2))
         ) x WHERE ($3::timestamptz IS NULL OR (x.created_at, x.id) < ($3::timestamptz, $4::uuid))
       ) y WHERE y.rn <= $5
       ORDER BY y.created_at DESC, y.id DESC`,
      [status, cursor ? String(cursor[0]) : null, cursor ? String(cursor[1]) : null, args.first + 1],
    );
    const rows = await loader.load(incidentId);
    // The window counts before the cursor; an empty page after a cursor still knows the total.
    const total = rows[0]?.total ?? (cursor ? (await this.countForIncident(incidentId, status)) : 0);
    return toConnection(rows, args.first, total, (r) => [r.sort_at, r.id], ResourceRequest.fromRow);
  }

  private async countForIncident(incidentId: string, status: string[] | null): Promise<number> {
    const [{ total }] = await this.kit.db.query(
      `SELECT count(*)::int AS total FROM resource_requests r WHERE r.incident_id = $1 AND ($2::text[] IS NULL OR r.status = ANY($2))`,
      [incidentId, status],
    );
    return total;
  }

  /**
   * `OperationalPicture.openResourceRequests`: OPEN and PARTIALLY_FILLED, most urgent first;
   * cached under the picture's change stamps (the same for every viewer of the incident).
   */
  async openForPicture(incidentId: string, stamps: PictureStamps): Promise<ResourceRequest[]> {
    const rows = await stampedRows(
      this.openForPictures,
      this.kit.db,
      incidentId,
      stamps,
      `SELECT s.incident_stamp, s.directory_stamp, ${REQUEST_COLUMNS}
         FROM s LEFT JOIN resource_requests r ON r.incident_id = $1 AND r.status IN ('OPEN','PARTIALLY_FILLED')
        ORDER BY ${OPEN_REQUEST_ORDER}`,
    );
    return rows.map(ResourceRequest.fromRow);
  }

  /** A request the caller may see; NOT_FOUND otherwise (whether or not it exists). */
  async findVisible(ctx: RequestContext, id: string): Promise<ResourceRequest> {
    await this.kit.access.requireAccess(ctx, Permission.RequestRead, id);
    return this.byId(ctx, id);
  }

  /** For field resolvers whose parent the caller already sees (a loan's request). */
  async byId(ctx: RequestContext, id: string): Promise<ResourceRequest> {
    const row = await this.loaders.request(ctx).load(id);
    if (!row) throw new NotFoundError('ResourceRequest', id);
    return ResourceRequest.fromRow(row);
  }

  async loans(ctx: RequestContext, requestId: string): Promise<ResourceLoan[]> {
    return (await this.loaders.loansOfRequest(ctx).load(requestId)).map(ResourceLoan.fromRow);
  }

  /** A participant asks for a resource for its own organisation (EDXL-RM RequestResource). */
  async create(ctx: RequestContext, input: CreateResourceRequestInput): Promise<ResourceRequest> {
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.IncidentContribute, input.incidentId, tx.manager);
      const incident = await lockIncident(tx, input.incidentId);
      if (incident.status === IncidentStatus.CLOSED) throw incidentClosedError();
      return this.createIn(ctx, tx, incident, ctx.who.organisationId, input);
    });
  }

  /**
   * The request itself, inside the caller's transaction, for `organisationId` (the caller's own,
   * or a scenario's lead at activation), in an open incident the caller has checked access to
   * and share-locked (`incident`, whose participants the event carries).
   */
  async createIn(ctx: RequestContext, tx: Tx, incident: LockedIncident, organisationId: string, input: CreateResourceRequestInput): Promise<ResourceRequest> {
    const p = ctx.who;
    // With the type, the other organisations that hold some of it now: their people may ask to be e-mailed about the request.
    const [type] = await tx.query<{ id: string; holders: string[] }>(
      `SELECT t.id, ARRAY(SELECT DISTINCT h.organisation_id FROM resource_holdings h
                           WHERE h.resource_type_id = t.id AND h.quantity_total > h.quantity_committed AND h.organisation_id <> $2) AS holders
         FROM resource_types t WHERE t.id = $1`,
      [input.resourceTypeId, organisationId],
    );
    if (!type) throw new NotFoundError('ResourceType', input.resourceTypeId);
    const [row] = await tx.query<ResourceRequestRow>(
      `INSERT INTO resource_requests AS r (incident_id, requesting_organisation_id, resource_type_id, quantity_requested, priority, needed_by,
              delivery_latitude, delivery_longitude, delivery_location_name, justification, created_by_user_id, created_by_api_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${REQUEST_COLUMNS}`,
      [
        input.incidentId,
        organisationId,
        input.resourceTypeId,
        input.quantity,
        input.priority ?? 'NORMAL',
        input.neededBy ?? null,
        input.deliveryLocation?.latitude ?? null,
        input.deliveryLocation?.longitude ?? null,
        input.deliveryLocationName ?? null,
        input.justification ?? null,
        p.userId,
        p.apiKeyId,
      ],
    );
    tx.audit({
      action: 'resourceRequest.create',
      entityType: 'ResourceRequest',
      entityId: row.id,
      details: { incidentId: input.incidentId, resourceTypeId: input.resourceTypeId, quantity: input.quantity, priority: row.priority },
    });
    this.events.requestChanged(tx, row, incident, type.holders);
    return ResourceRequest.fromRow(row);
  }

  /**
   * Cancels a request: its open offers are declined and its accepted loans that have not left
   * are cancelled (their quantity goes back to the holdings); dispatched loans stay until returned.
   */
  async cancel(ctx: RequestContext, id: string): Promise<ResourceRequest> {
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.RequestManage, id, tx.manager);
      const incident = await lockIncidentOfRequest(tx, id);
      const request = await lockRequest(tx, id);
      if (incident.status === IncidentStatus.CLOSED) throw incidentClosedError();
      if (![ResourceRequestStatus.OPEN, ResourceRequestStatus.PARTIALLY_FILLED, ResourceRequestStatus.FILLED].includes(request.status)) {
        throw invalidTransition(`A ${request.status} request cannot be cancelled`);
      }
      // Lock order: the request (above), then the holdings its accepted loans reserve, by id.
      const open = await selectLoans(tx, `l.request_id = $1 AND l.status IN ('OFFERED','ACCEPTED')`, [id]);
      await lockHoldings(tx, open.filter((l) => l.status === ResourceLoanStatus.ACCEPTED).map((l) => l.holding_id));
      await tx.query(`UPDATE resource_requests SET status = 'CANCELLED', updated_at = now() WHERE id = $1`, [id]);
      const changed = await tx.query<ResourceLoanRow>(
        `UPDATE resource_loans SET status = CASE status WHEN 'OFFERED' THEN 'DECLINED' ELSE 'CANCELLED' END, updated_at = now()
          WHERE request_id = $1 AND status IN ('OFFERED','ACCEPTED') RETURNING id`,
        [id],
      );
      const [row] = await tx.query<ResourceRequestRow>(`SELECT ${REQUEST_COLUMNS} FROM resource_requests r WHERE r.id = $1`, [id]);
      tx.audit({
        action: 'resourceRequest.cancel',
        entityType: 'ResourceRequest',
        entityId: id,
        details: {
          declinedOffers: open.filter((l) => l.status === ResourceLoanStatus.OFFERED).map((l) => l.id),
          cancelledLoans: open.filter((l) => l.status === ResourceLoanStatus.ACCEPTED).map((l) => l.id),
        },
      });
      if (changed.length) for (const loan of await selectLoans(tx, `l.id = ANY($1::uuid[])`, [changed.map((c) => c.id)])) this.events.loanChanged(tx, loan, incident);
      this.events.requestChanged(tx, row, incident);
      return ResourceRequest.fromRow(row);
    });
  }

  /**
   * Holdings of other organisations that could fill what the request still needs, best first
   * (see resource-matching.ts), in one query. COORDINATOR, or the requesting organisation.
   */
  async matches(ctx: RequestContext, args: ResourceMatchesArgs): Promise<ResourceMatch[]> {
    await this.kit.access.requireAccess(ctx, Permission.RequestManage, args.requestId);
    const rows: (ResourceHoldingRow & { quantity_offered: number; distance_km: number | null; score: number })[] = await this.kit.db.query(MATCHES_SQL, [
      args.requestId,
      args.first,
    ]);
    return rows.map((r) => ({
      holding: ResourceHolding.fromRow(r),
      quantityOffered: r.quantity_offered,
      distanceKm: r.distance_km === null ? null : Number(r.distance_km),
      score: Number(r.score),
    }));
  }
}
