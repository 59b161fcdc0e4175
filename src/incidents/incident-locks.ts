import { ConflictError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import type { Tx } from '../database/transaction.service.js';
import { IncidentStatus } from './models/incident.enums.js';

/**
 * Share-locks the incident for the rest of the transaction and answers its status: whatever a
 * mutation adds to an incident, the incident cannot close meanwhile. Every mutation inside an
 * incident takes this lock first (after its access check), so the lock order is the same everywhere.
 */
export async function lockIncidentStatus(tx: Tx, incidentId: string): Promise<IncidentStatus> {
  const [row] = await tx.query<{ status: IncidentStatus }>(`SELECT status FROM incidents WHERE id = $1 FOR SHARE`, [incidentId]);
  return row.status;
}

/** As lockIncidentStatus, and CONFLICT (INCIDENT_CLOSED) when nothing may change in it any more. */
export async function lockOpenIncident(tx: Tx, incidentId: string): Promise<void> {
  if ((await lockIncidentStatus(tx, incidentId)) === IncidentStatus.CLOSED) throw incidentClosedError();
}

export function incidentClosedError(): ConflictError {
  return new ConflictError(ConflictReason.INCIDENT_CLOSED, 'The incident is closed; nothing in it can change');
}
