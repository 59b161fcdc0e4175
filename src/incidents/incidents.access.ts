import type { AccessRule, Queryable, Verdicts } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAtLeast, seesAllIncidents, type Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';

/**
 * Whether the principal sees the incident whose id is the SQL expression `incident`: ADMIN and
 * COORDINATOR see all, the others those their organisation takes part in. `org` and `seesAll`
 * are the statement's parameters for `p.organisationId` and `seesAllIncidents(p)`. The records
 * of other features that live in an incident (requests, loans, links) are visible through it,
 * so their rules and lists use this predicate rather than a rule of their own.
 */
export function incidentVisibleSql(incident: string, org: string, seesAll: string): string {
  return `(${seesAll}::boolean OR EXISTS (SELECT 1 FROM incident_participants vp WHERE vp.incident_id = ${incident} AND vp.organisation_id = ${org}::uuid))`;
}

/** An event's facts about its incident: who took part when it was committed. */
export interface IncidentFacts {
  participantOrganisationIds: readonly string[];
}

/** incidentVisibleSql's twin over an event's facts: the records in an incident are visible through it. */
export function incidentVisibleByFacts(p: Principal, f: IncidentFacts): boolean {
  return seesAllIncidents(p) || f.participantOrganisationIds.includes(p.organisationId);
}

interface IncidentRoleRow {
  id: string;
  lead: boolean;
  participant: boolean;
}

/** One statement for the four incident rules: the caller's organisation's place in each incident. */
async function roles(p: Principal, ids: readonly string[], db: Queryable): Promise<IncidentRoleRow[]> {
  return db.query(
    `SELECT i.id, i.lead_organisation_id = $2::uuid AS lead,
            EXISTS (SELECT 1 FROM incident_participants ip WHERE ip.incident_id = i.id AND ip.organisation_id = $2::uuid) AS participant
       FROM incidents i WHERE i.id = ANY($1::uuid[])`,
    [ids, p.organisationId],
  );
}

function incidentRule(permission: Permission, forbidden: string, allowed: (p: Principal, r: IncidentRoleRow) => boolean): AccessRule<IncidentFacts> {
  return {
    permission,
    entity: 'Incident',
    forbidden,
    async decide(p, ids, db): Promise<Verdicts> {
      const rows = await roles(p, ids, db);
      return new Map(rows.filter((r) => seesAllIncidents(p) || r.participant).map((r) => [r.id, allowed(p, r)]));
    },
  };
}

export const INCIDENT_ACCESS_RULES: AccessRule<any>[] = [
  {
    ...incidentRule(Permission.IncidentRead, '', () => true),
    fromFacts: incidentVisibleByFacts,
  },
  incidentRule(Permission.IncidentUpdate, 'Only a coordinator or the lead organisation may change the incident', (p, r) => isAtLeast(p, Role.COORDINATOR) || r.lead),
  incidentRule(Permission.IncidentAddParticipant, 'Only a coordinator or a participant may invite organisations', (p, r) => isAtLeast(p, Role.COORDINATOR) || r.participant),
  incidentRule(Permission.IncidentContribute, 'Only an organisation taking part in the incident may do this in it', (_p, r) => r.participant),
];
