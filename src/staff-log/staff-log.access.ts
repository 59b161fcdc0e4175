import type { AccessRule } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAtLeast, seesAllIncidents, type Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';
import { incidentVisibleByFacts, rulesInIncident, type IncidentFacts } from '../incidents/incidents.access.js';

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


/** A coordinator's user session (an API key is not one): follows up and runs more than its own organisation's. */
const coordinatorUser = (p: Principal): boolean => isAtLeast(p, Role.COORDINATOR) && p.kind === 'user';

const entryRule = rulesInIncident('LogEntry', { from: 'log_entries e', id: 'e.id', incident: 'e.incident_id', visible: readableEntrySql('$2') });
const meetingRule = rulesInIncident('Meeting', {
  from: 'meetings m JOIN incidents i ON i.id = m.incident_id',
  id: 'm.id',
  incident: 'm.incident_id',
  visible: visibleMeetingSql('$2', '$3'),
});

export const STAFF_LOG_ACCESS_RULES: AccessRule<any>[] = [
  {
    ...entryRule(Permission.LogEntryRead, 'The log entry is not addressed to your organisation', 'true'),
    fromFacts: (p: Principal, f: LogEntryFacts) =>
      incidentVisibleByFacts(p, f) &&
      (f.visibility === 'ALL_PARTICIPANTS' ||
        f.organisationId === p.organisationId ||
        f.responsibleOrganisationId === p.organisationId ||
        (f.visibility === 'RESTRICTED' && f.recipientOrganisationIds.includes(p.organisationId))),
  },
  entryRule(
    Permission.LogEntryFollowUp,
    'Only the writing or the responsible organisation (or a coordinator, for an entry that is not internal) follows an entry up',
    (p) => `(e.organisation_id = $2::uuid OR e.responsible_organisation_id IS NOT DISTINCT FROM $2::uuid OR (${coordinatorUser(p)} AND e.visibility <> 'INTERNAL'))`,
  ),
  {
    ...meetingRule(Permission.MeetingRead, 'The meeting is not visible', 'true'),
    fromFacts: (p: Principal, f: MeetingFacts) =>
      incidentVisibleByFacts(p, f) &&
      (f.organisationId === p.organisationId ||
        (f.kind === 'COORDINATION_CONFERENCE' && (seesAllIncidents(p) || f.listedOrganisationIds.length === 0 || f.listedOrganisationIds.includes(p.organisationId)))),
  },
  meetingRule(
    Permission.MeetingManage,
    "Only the holding organisation (for a coordination conference also the incident's lead organisation or a coordinator) runs the meeting",
    (p) => `(m.organisation_id = $2::uuid OR (m.kind = 'COORDINATION_CONFERENCE' AND (${coordinatorUser(p)} OR i.lead_organisation_id = $2::uuid)))`,
  ),
];
