import type { AccessRule, Verdicts } from '../common/access/access-rule.js';
import { verdicts } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAdmin, isAtLeast, type Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';
import { incidentVisibleByFacts, rulesInIncident, type IncidentFacts } from '../incidents/incidents.access.js';

/*
 * Requests and loans live in an incident: whoever sees the incident sees them (DESIGN.md,
 * "Principals and access"), so their rules select through incidentVisibleSql, and only rows the
 * caller sees come back; what it may do with them is the `allowed` column. Holdings are the
 * organisations' inventories, readable by any principal.
 */

/** What an event of a request or a loan carries: the incident's participants at its commit. */
export type ResourceEventFacts = IncidentFacts;


/** What the caller may do with a row it sees: an SQL expression over the request `r` (and the loan `l`), $2 its organisation. */
type Allowed = (p: Principal) => string;

/** A rule over requests. */
const requestRule = rulesInIncident('ResourceRequest', { from: 'resource_requests r', id: 'r.id', incident: 'r.incident_id' });
/** A rule over loans, each with its request `r`. */
const loanRule = rulesInIncident('ResourceLoan', { from: 'resource_loans l JOIN resource_requests r ON r.id = l.request_id', id: 'l.id', incident: 'r.incident_id' });

const WHOEVER_SEES_IT: Allowed = () => 'true';
/** The requesting organisation, or a coordinator (ADMIN included); the guard has checked the role within the organisation. */
const REQUESTER_SIDE: Allowed = (p) => (isAtLeast(p, Role.COORDINATOR) ? 'true' : 'r.requesting_organisation_id = $2::uuid');

export const RESOURCE_ACCESS_RULES: AccessRule<any>[] = [
  { ...requestRule(Permission.RequestRead, '', WHOEVER_SEES_IT), fromFacts: incidentVisibleByFacts },
  requestRule(Permission.RequestManage, 'Only the requesting organisation or a coordinator may do this with the request', REQUESTER_SIDE),
  { ...loanRule(Permission.LoanRead, '', WHOEVER_SEES_IT), fromFacts: incidentVisibleByFacts },
  loanRule(Permission.LoanRequesterSide, 'Only the requesting organisation or a coordinator may do this', REQUESTER_SIDE),
  loanRule(Permission.LoanLenderSide, 'Only the lending organisation may do this', () => 'l.lending_organisation_id = $2::uuid'),
  {
    permission: Permission.HoldingLend,
    entity: 'ResourceHolding',
    forbidden: "Only the holding's organisation may offer from it",
    async decide(p, ids, db): Promise<Verdicts> {
      return verdicts(
        await db.query(`SELECT h.id, h.organisation_id = $2::uuid AS allowed FROM resource_holdings h WHERE h.id = ANY($1::uuid[])`, [ids, p.organisationId]),
      );
    },
  },
  {
    // Every organisation is in the directory, so one that exists is never NOT_FOUND here.
    permission: Permission.OrganisationHoldingsWrite,
    entity: 'Organisation',
    forbidden: "Only ADMIN may set another organisation's holdings",
    async decide(p, ids, db): Promise<Verdicts> {
      return verdicts(
        await db.query(`SELECT o.id, ($3::boolean OR o.id = $2::uuid) AS allowed FROM organisations o WHERE o.id = ANY($1::uuid[])`, [
          ids,
          p.organisationId,
          isAdmin(p),
        ]),
      );
    },
  },
];
