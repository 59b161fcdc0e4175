import type { Tx } from '../database/transaction.service.js';
import { NotFoundError } from '../common/errors/domain-errors.js';
import { lockIncident, type LockedIncident } from '../incidents/incident-locks.js';
import { HOLDING_COLUMNS, type ResourceHoldingRow } from './models/resource-holding.model.js';
import { LOAN_COLUMNS, type ResourceLoanRow } from './models/resource-loan.model.js';
import { REQUEST_COLUMNS, type ResourceRequestRow } from './models/resource-request.model.js';

/*
 * The one lock order of the resources module (docs/resources.md): the incident (FOR SHARE, so
 * it cannot close meanwhile; the incidents feature's lockIncident), then the request, then
 * holdings in id order, then loans. Every mutation takes the locks it needs in this order, so
 * two of them can wait for each other but never deadlock; the triggers that move the counters
 * touch only rows already locked here.
 */

/** The first lock, for a mutation of a request: its incident's (a request never moves to another incident). */
export async function lockIncidentOfRequest(tx: Tx, requestId: string): Promise<LockedIncident> {
  const [row] = await tx.query<{ incident_id: string }>(`SELECT incident_id FROM resource_requests WHERE id = $1`, [requestId]);
  if (!row) throw new NotFoundError('ResourceRequest', requestId);
  return lockIncident(tx, row.incident_id);
}

export async function lockRequest(tx: Tx, id: string): Promise<ResourceRequestRow> {
  const [row] = await tx.query<ResourceRequestRow>(`SELECT ${REQUEST_COLUMNS} FROM resource_requests r WHERE r.id = $1 FOR UPDATE`, [id]);
  if (!row) throw new NotFoundError('ResourceRequest', id);
  return row;
}

export async function lockHoldings(tx: Tx, ids: string[]): Promise<ResourceHoldingRow[]> {
  if (!ids.length) return [];
  return tx.query<ResourceHoldingRow>(`SELECT ${HOLDING_COLUMNS} FROM resource_holdings h WHERE h.id = ANY($1::uuid[]) ORDER BY h.id FOR UPDATE`, [
    [...new Set(ids)],
  ]);
}

export async function lockLoan(tx: Tx, id: string): Promise<ResourceLoanRow> {
  const [row] = await tx.query<ResourceLoanRow>(
    `SELECT ${LOAN_COLUMNS} FROM resource_loans l JOIN resource_requests r ON r.id = l.request_id WHERE l.id = $1 FOR UPDATE OF l`,
    [id],
  );
  if (!row) throw new NotFoundError('ResourceLoan', id);
  return row;
}

export function selectLoans(tx: Tx, where: string, params: unknown[]): Promise<ResourceLoanRow[]> {
  return tx.query<ResourceLoanRow>(
    `SELECT ${LOAN_COLUMNS} FROM resource_loans l JOIN resource_requests r ON r.id = l.request_id WHERE ${where} ORDER BY l.offered_at, l.id`,
    params,
  );
}
