import { rulesOver, verdicts, type AccessRule, type Queryable, type Verdicts } from '../common/access/access-rule.js';
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

/** Where the records of one kind that live in an incident are, for `rulesInIncident`. */
export interface IncidentRecords {
  /** The record's table with its alias, and any join the rules read (`resource_loans l JOIN resource_requests r ON …`). */
  from: string;
  /** The record's id column (`l.id`) and its incident's (`r.incident_id`). */
  id: string;
  incident: string;
  /** Beyond seeing the incident, what makes a record visible (SQL), if anything. */
  visible?: string;
  /** The statement's parameters from $4 on, which `visible` and the rules' `allowed` may use. */
  params?: (p: Principal) => unknown[];
}

/**
 * The rules over one kind of record that lives in an incident, sharing one statement: the rows
 * of `from` the principal sees (through the incident, and `visible`), each with what the
 * permission's `allowed`, an SQL expression, says it may do. $1 are the ids, $2 the principal's
 * organisation, $3 seesAllIncidents(p), then `params`.
 */
export function rulesInIncident(entity: string, records: IncidentRecords) {
  const visible = records.visible ? ` AND ${records.visible}` : '';
  return (permission: Permission, forbidden: string, allowed: string | ((p: Principal) => string)): AccessRule<IncidentFacts> => ({
    permission,
    entity,
    forbidden,
    async decide(p, ids, db): Promise<Verdicts> {
      return verdicts(
        await db.query(
          `SELECT ${records.id}, ${typeof allowed === 'string' ? allowed : allowed(p)} AS allowed FROM ${records.from}
            WHERE ${records.id} = ANY($1::uuid[]) AND ${incidentVisibleSql(records.incident, '$2', '$3')}${visible}`,
          [ids, p.organisationId, seesAllIncidents(p), ...(records.params?.(p) ?? [])],
        ),
      );
    },
  });
}

interface IncidentRoleRow {
  id: string;
  lead: boolean;
  participant: boolean;
}

/** One statement for the four incident rules: the incidents the caller sees, and its organisation's place in each. */
async function roles(p: Principal, ids: readonly string[], db: Queryable): Promise<IncidentRoleRow[]> {
  const rows: IncidentRoleRow[] = await db.query(
    `SELECT i.id, i.lead_organisation_id = $2::uuid AS lead,
            EXISTS (SELECT 1 FROM incident_participants ip WHERE ip.incident_id = i.id AND ip.organisation_id = $2::uuid) AS participant
       FROM incidents i WHERE i.id = ANY($1::uuid[])`,
    [ids, p.organisationId],
  );
  return rows.filter((r) => seesAllIncidents(p) || r.participant);
}

const incidentRule = rulesOver('Incident', roles);

export const INCIDENT_ACCESS_RULES: AccessRule<any>[] = [
  {
    ...incidentRule(Permission.IncidentRead, '', () => true),
    fromFacts: incidentVisibleByFacts,
  },
  incidentRule(Permission.IncidentUpdate, 'Only a coordinator or the lead organisation may change the incident', (p, r) => isAtLeast(p, Role.COORDINATOR) || r.lead),
  incidentRule(Permission.IncidentAddParticipant, 'Only a coordinator or a participant may invite organisations', (p, r) => isAtLeast(p, Role.COORDINATOR) || r.participant),
  incidentRule(Permission.IncidentContribute, 'Only an organisation taking part in the incident may do this in it', (_p, r) => r.participant),
];
