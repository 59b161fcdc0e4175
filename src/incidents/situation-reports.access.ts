import type { AccessRule } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAdmin, type Principal } from '../common/auth/principal.js';
import { incidentVisibleByFacts, rulesInIncident, type IncidentFacts } from './incidents.access.js';

/**
 * The organisations a report is addressed to, who are asked to acknowledge it: its recipients
 * when RESTRICTED; otherwise every organisation that took part when it was submitted, but its
 * author. `r` is the report.
 */
export const ADDRESSEES_SQL = `
  SELECT rr.organisation_id FROM situation_report_recipients rr WHERE rr.report_id = r.id AND r.visibility = 'RESTRICTED'
  UNION ALL
  SELECT p.organisation_id FROM incident_participants p
   WHERE p.incident_id = r.incident_id AND r.visibility = 'ALL_PARTICIPANTS'
     AND p.organisation_id <> r.organisation_id AND p.joined_at <= r.submitted_at`;

/**
 * Whether a principal who sees the report's incident may read the report `r` itself:
 * ALL_PARTICIPANTS, or the own organisation wrote it or is a recipient; ADMIN reads all.
 * `org` and `admin` are the statement's parameters for the organisation and isAdmin(p).
 */
export function readableReportSql(org: string, admin: string): string {
  return `(${admin}::boolean OR r.visibility = 'ALL_PARTICIPANTS' OR r.organisation_id = ${org}::uuid
           OR EXISTS (SELECT 1 FROM situation_report_recipients vr WHERE vr.report_id = r.id AND vr.organisation_id = ${org}::uuid))`;
}

/** What a submitted event carries: the report's visibility facts and the incident's participants. */
export interface ReportFacts extends IncidentFacts {
  organisationId: string;
  visibility: 'ALL_PARTICIPANTS' | 'RESTRICTED';
  recipientOrganisationIds: readonly string[];
}

const reportRule = rulesInIncident('SituationReport', {
  from: 'situation_reports r',
  id: 'r.id',
  incident: 'r.incident_id',
  visible: readableReportSql('$2', '$4'),
  params: (p) => [isAdmin(p)],
});

export const SITUATION_REPORT_ACCESS_RULES: AccessRule<any>[] = [
  {
    ...reportRule(Permission.ReportRead, 'The report is not addressed to your organisation', 'true'),
    fromFacts: (p: Principal, f: ReportFacts) =>
      incidentVisibleByFacts(p, f) &&
      (isAdmin(p) || f.visibility === 'ALL_PARTICIPANTS' || f.organisationId === p.organisationId || f.recipientOrganisationIds.includes(p.organisationId)),
  },
  reportRule(
    Permission.ReportAcknowledge,
    'Only an organisation the report is addressed to, other than its author, acknowledges it',
    `r.organisation_id <> $2::uuid AND EXISTS (SELECT 1 FROM (${ADDRESSEES_SQL}) t WHERE t.organisation_id = $2::uuid)`,
  ),
];
