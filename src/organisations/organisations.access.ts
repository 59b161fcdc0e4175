import type { AccessRule, Verdicts } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAdmin, type Principal } from '../common/auth/principal.js';

/**
 * ADMIN may do this for any organisation, everyone else for their own. The directory is public,
 * so every existing organisation is visible: FORBIDDEN, not NOT_FOUND, for another one.
 */
export function ownOrganisationRule(permission: Permission, forbidden: string): AccessRule {
  return {
    permission,
    entity: 'Organisation',
    forbidden,
    async decide(p: Principal, ids, db): Promise<Verdicts> {
      const rows: { id: string }[] = await db.query(`SELECT id FROM organisations WHERE id = ANY($1::uuid[])`, [ids]);
      return new Map(rows.map((r) => [r.id, isAdmin(p) || r.id === p.organisationId]));
    },
  };
}

export const ORGANISATION_ACCESS_RULES: AccessRule<any>[] = [
  ownOrganisationRule(Permission.OrganisationUpdate, 'Only ADMIN may change another organisation'),
  ownOrganisationRule(Permission.OrganisationApiKeysManage, 'Only ADMIN may manage the API keys of another organisation'),
  ownOrganisationRule(Permission.OrganisationWebhooksManage, 'Only ADMIN may manage the webhooks of another organisation'),
  {
    // Who the members are is not public: NOT_FOUND, as if the list did not exist, for anyone else.
    permission: Permission.OrganisationMembersRead,
    entity: 'Organisation members',
    forbidden: 'Only ADMIN and the organisation itself see its members',
    async decide(p, ids, db): Promise<Verdicts> {
      const rows: { id: string }[] = await db.query(`SELECT id FROM organisations WHERE id = ANY($1::uuid[])`, [ids]);
      return new Map(rows.filter((r) => isAdmin(p) || (p.kind === 'user' && r.id === p.organisationId)).map((r) => [r.id, true]));
    },
  },
];
