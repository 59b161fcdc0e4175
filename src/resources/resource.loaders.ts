import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { listLoader, rowLoader } from '../common/loaders/row-loader.js';
import type { RequestContext } from '../common/request/request-context.js';
import { HOLDING_COLUMNS, type ResourceHoldingRow } from './models/resource-holding.model.js';
import { LOAN_COLUMNS, type ResourceLoanRow } from './models/resource-loan.model.js';
import { REQUEST_COLUMNS, type ResourceRequestRow } from './models/resource-request.model.js';
import { RESOURCE_TYPE_COLUMNS, type ResourceTypeRow } from './models/resource-type.model.js';

/** Open requests first by urgency, then by when they are needed, then oldest first. */
export const OPEN_REQUEST_ORDER = `CASE r.priority WHEN 'LIFE_SAVING' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'NORMAL' THEN 2 ELSE 3 END,
  r.needed_by ASC NULLS LAST, r.created_at, r.id`;

/**
 * The per-request DataLoaders of the resources module: every nested field of a list costs one
 * query per field, never one per row. Rows are read without access checks: each loader is
 * reached only through a parent the caller has already been allowed to see.
 */
@Injectable()
export class ResourceLoaders {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  resourceType(ctx: RequestContext) {
    return rowLoader<ResourceTypeRow>(ctx, this.db, 'resources.type', `SELECT ${RESOURCE_TYPE_COLUMNS} FROM resource_types WHERE id = ANY($1::uuid[])`);
  }

  holding(ctx: RequestContext) {
    return rowLoader<ResourceHoldingRow>(ctx, this.db, 'resources.holding', `SELECT ${HOLDING_COLUMNS} FROM resource_holdings h WHERE h.id = ANY($1::uuid[])`);
  }

  request(ctx: RequestContext) {
    return rowLoader<ResourceRequestRow>(ctx, this.db, 'resources.request', `SELECT ${REQUEST_COLUMNS} FROM resource_requests r WHERE r.id = ANY($1::uuid[])`);
  }

  /** An organisation's holdings, in catalogue order (type name, then id). */
  holdingsOfOrganisation(ctx: RequestContext) {
    return this.grouped<ResourceHoldingRow>(
      ctx,
      'resources.holdingsOfOrganisation',
      `SELECT ${HOLDING_COLUMNS}, h.organisation_id AS group_key FROM resource_holdings h JOIN resource_types t ON t.id = h.resource_type_id
        WHERE h.organisation_id = ANY($1::uuid[]) ORDER BY lower(t.name), h.id`,
    );
  }

  /** A request's loans, oldest offer first. */
  loansOfRequest(ctx: RequestContext) {
    return this.grouped<ResourceLoanRow>(
      ctx,
      'resources.loansOfRequest',
      `SELECT ${LOAN_COLUMNS}, l.request_id AS group_key FROM resource_loans l JOIN resource_requests r ON r.id = l.request_id
        WHERE l.request_id = ANY($1::uuid[]) ORDER BY l.offered_at, l.id`,
    );
  }

  /** A loader of row lists by key: `sql` takes the keys as $1 (then `params`) and selects each row's key as `group_key`. */
  grouped<Row>(ctx: RequestContext, name: string, sql: string, params: unknown[] = []): DataLoader<string, Row[]> {
    return listLoader<Row, Row & { group_key: string }>(
      ctx,
      name,
      (keys) => this.db.query(sql, [keys, ...params]),
      (r) => r.group_key,
      ({ group_key: _key, ...row }) => row as Row,
    );
  }
}
