import { ConflictError, NotFoundError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import type { Tx } from '../database/transaction.service.js';
import type { IncidentFacts } from './incidents.access.js';
import { IncidentStatus } from './models/incident.enums.js';

export interface LockedIncident extends IncidentFacts {
  status: IncidentStatus;
}

/**
 * For another feature's transaction that adds to an incident or changes what lives in it: a
 * share lock on the incident row until commit, so that it can neither close nor take in a new
 * participant meanwhile (both update the row), with its status, to refuse what a closed incident
 * does not allow, and its participants, the facts an event of that change carries for its
 * subscribers' access check. The caller has checked access first (AccessService); this is only
 * the lock, and the first of the caller's lock order.
 */
export async function lockIncident(tx: Tx, id: string): Promise<LockedIncident> {
  const [row] = await tx.query<{ status: IncidentStatus; participants: string[] }>(
    `SELECT i.status, ARRAY(SELECT ip.organisation_id FROM incident_participants ip WHERE ip.incident_id = i.id) AS participants
       FROM incidents i WHERE i.id = $1 FOR SHARE OF i`,
    [id],
  );
  if (!row) throw new NotFoundError('Incident', id);
  return { status: row.status, participantOrganisationIds: row.participants };
}

/** As lockIncident, and CONFLICT (INCIDENT_CLOSED) when nothing may change in it any more. */
export async function lockOpenIncident(tx: Tx, id: string): Promise<LockedIncident> {
  const incident = await lockIncident(tx, id);
  if (incident.status === IncidentStatus.CLOSED) throw incidentClosedError();
  return incident;
}

export function incidentClosedError(): ConflictError {
  return new ConflictError(ConflictReason.INCIDENT_CLOSED, 'The incident is closed; nothing in it can change');
}
