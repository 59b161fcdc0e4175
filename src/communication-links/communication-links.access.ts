import { rulesOver, type AccessRule, type Queryable } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAtLeast, seesAllIncidents, type Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';
import { incidentVisibleByFacts, incidentVisibleSql } from '../incidents/incidents.access.js';

interface LinkRoleRow {
  id: string;
  initiator: boolean;
  invited: boolean;
}

/** One statement for the link rules: the links whose incident the caller sees, and the caller's organisation's place in each. */
async function roles(p: Principal, ids: readonly string[], db: Queryable): Promise<LinkRoleRow[]> {
  return db.query(
    `SELECT l.id, l.initiating_organisation_id = $2::uuid AS initiator,
            EXISTS (SELECT 1 FROM communication_link_participants lp WHERE lp.link_id = l.id AND lp.organisation_id = $2::uuid) AS invited
       FROM communication_links l
      WHERE l.id = ANY($1::uuid[]) AND ${incidentVisibleSql('l.incident_id', '$2', '$3')}`,
    [ids, p.organisationId, seesAllIncidents(p)],
  );
}

const linkRule = rulesOver('Communication link', roles);

/** A link is visible to whoever sees its incident (DESIGN.md); the rest by the caller's place in the link. */
export const COMMUNICATION_LINK_ACCESS_RULES: AccessRule<any>[] = [
  {
    ...linkRule(Permission.LinkRead, 'The link is not visible', () => true),
    fromFacts: incidentVisibleByFacts,
  },
  linkRule(Permission.LinkRespond, 'Only an organisation invited to the link may respond; the initiator may close it', (_p, r) => r.invited && !r.initiator),
  linkRule(Permission.LinkClose, 'Only the initiating organisation or a coordinator may close a link', (p, r) => isAtLeast(p, Role.COORDINATOR) || r.initiator),
];
