import type { AccessRule, Verdicts } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAtLeast, seesAllIncidents, type Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';
import { incidentVisibleByFacts, incidentVisibleSql, type IncidentFacts } from '../incidents/incidents.access.js';

/**
 * Whether a principal who sees the entry's incident may read the entry `e` (DESIGN.md, "read a
 * log entry"): ALL_PARTICIPANTS; RESTRICTED when its organisation wrote it, is a recipient or is
 * responsible; INTERNAL only when its organisation wrote it. No role reads more: ADMIN and
 * COORDINATOR read what their organisation may. The responsible organisation of an INTERNAL
 * entry is always its writer (LogEntriesService refuses anything else), so "responsible" may
 * stand for every visibility. `org` is the statement's parameter for the organisation.
 */
export function readableEntrySql(org: string): string {
  return `(e.visibility = 'ALL_PARTICIPANTS' OR e.organisation_id = ${org}::uuid OR e.responsible_organisation_id = ${org}::uuid
           OR (e.visibility = 'RESTRICTED' AND EXISTS (SELECT 1 FROM log_entry_recipients vr WHERE vr.entry_id = e.id AND vr.organisation_id = ${org}::uuid)))`;
}

/** Whether the principal may see the meeting `m`, given that it sees its incident. `org`, `seesAll`: the statement's parameters. */
export function visibleMeetingSql(org: string, seesAll: string): string {
  return `(m.organisation_id = ${org}::uuid
           OR (m.kind = 'COORDINATION_CONFERENCE' AND (${seesAll}::boolean
               OR NOT EXISTS (SELECT 1 FROM meeting_participants vmp WHERE vmp.meeting_id = m.id)
               OR EXISTS (SELECT 1 FROM meeting_participants vmp WHERE vmp.meeting_id = m.id AND vmp.organisation_id = ${org}::uuid))))`;
}

/** What a log entry event carries: the entry's visibility facts and the incident's participants. */
export interface LogEntryFacts extends IncidentFacts {
  organisationId: string;
  visibility: 'INTERNAL' | 'ALL_PARTICIPANTS' | 'RESTRICTED';
  recipientOrganisationIds: readonly string[];
  responsibleOrganisationId: string | null;
}

/** What a meeting event carries: the host, the kind, the listed participants and the incident's. */
export interface MeetingFacts extends IncidentFacts {
  organisationId: string;
  kind: 'STAFF_MEETING' | 'COORDINATION_CONFERENCE';
  listedOrganisationIds: readonly string[];
}


export const STAFF_LOG_ACCESS_RULES: AccessRule<any>[] = [
  {
    permission: Permission.LogEntryRead,
    entity: 'LogEntry',
    forbidden: 'The log entry is not addressed to your organisation',
    async decide(p, ids, db): Promise<Verdicts> {
      const rows: { id: string }[] = await db.query(
        `SELECT e.id FROM log_entries e WHERE e.id = ANY($1::uuid[]) AND ${incidentVisibleSql('e.incident_id', '$2', '$3')} AND ${readableEntrySql('$2')}`,
        [ids, p.organisationId, seesAllIncidents(p)],
      );
      return new Map(rows.map((r) => [r.id, true]));
    },
    fromFacts: (p: Principal, f: LogEntryFacts) =>
      incidentVisibleByFacts(p, f) &&
      (f.visibility === 'ALL_PARTICIPANTS' ||
        f.organisationId === p.organisationId ||
        f.responsibleOrganisationId === p.organisationId ||
        (f.visibility === 'RESTRICTED' && f.recipientOrganisationIds.includes(p.organisationId))),
  },
  {
    permission: Permission.LogEntryFollowUp,
    entity: 'LogEntry',
    forbidden: 'Only the writing or the responsible organisation (or a coordinator, for an entry that is not internal) follows an entry up',
    async decide(p, ids, db): Promise<Verdicts> {
      const rows: { id: string; allowed: boolean }[] = await db.query(
        `SELECT e.id, (e.organisation_id = $2::uuid OR e.responsible_organisation_id IS NOT DISTINCT FROM $2::uuid
                       OR ($4::boolean AND e.visibility <> 'INTERNAL')) AS allowed
           FROM log_entries e WHERE e.id = ANY($1::uuid[]) AND ${incidentVisibleSql('e.incident_id', '$2', '$3')} AND ${readableEntrySql('$2')}`,
        [ids, p.organisationId, seesAllIncidents(p), isAtLeast(p, Role.COORDINATOR) && p.kind === 'user'],
      );
      return new Map(rows.map((r) => [r.id, r.allowed]));
    },
  },
  {
    permission: Permission.MeetingRead,
    entity: 'Meeting',
    forbidden: 'The meeting is not visible',
    async decide(p, ids, db): Promise<Verdicts> {
      const rows: { id: string }[] = await db.query(
        `SELECT m.id FROM meetings m WHERE m.id = ANY($1::uuid[]) AND ${incidentVisibleSql('m.incident_id', '$2', '$3')} AND ${visibleMeetingSql('$2', '$3')}`,
        [ids, p.organisationId, seesAllIncidents(p)],
      );
      return new Map(rows.map((r) => [r.id, true]));
    },
    fromFacts: (p: Principal, f: MeetingFacts) =>
      incidentVisibleByFacts(p, f) &&
      (f.organisationId === p.organisationId ||
        (f.kind === 'COORDINATION_CONFERENCE' && (seesAllIncidents(p) || f.listedOrganisationIds.length === 0 || f.listedOrganisationIds.includes(p.organisationId)))),
  },
  {
    permission: Permission.MeetingManage,
    entity: 'Meeting',
    forbidden: "Only the holding organisation (for a coordination conference also the incident's lead organisation or a coordinator) runs the meeting",
    async decide(p, ids, db): Promise<Verdicts> {
      const rows: { id: string; allowed: boolean }[] = await db.query(
        `SELECT m.id, (m.organisation_id = $2::uuid
                       OR (m.kind = 'COORDINATION_CONFERENCE' AND ($4::boolean OR i.lead_organisation_id = $2::uuid))) AS allowed
           FROM meetings m JOIN incidents i ON i.id = m.incident_id
          WHERE m.id = ANY($1::uuid[]) AND ${incidentVisibleSql('m.incident_id', '$2', '$3')} AND ${visibleMeetingSql('$2', '$3')}`,
        [ids, p.organisationId, seesAllIncidents(p), isAtLeast(p, Role.COORDINATOR) && p.kind === 'user'],
      );
      return new Map(rows.map((r) => [r.id, r.allowed]));
    },
  },
];
