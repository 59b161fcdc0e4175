import { ownOrganisationRecordsRule, type AccessRule, type Verdicts } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAtLeast, type Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';

/** What a user's field resolver knows of the user: enough to decide without a statement. */
export interface UserFacts {
  organisationId: string;
}

const seesContact = (p: Principal, organisationId: string) => (p.kind === 'user' && isAtLeast(p, Role.COORDINATOR)) || p.organisationId === organisationId;

export const USER_ACCESS_RULES: AccessRule<any>[] = [
  ownOrganisationRecordsRule(Permission.UserRead, 'User', 'users'),
  {
    permission: Permission.UserContactRead,
    entity: 'User',
    forbidden: "Only ADMIN, COORDINATOR and the user's own organisation see a user's e-mail address",
    async decide(p, ids, db): Promise<Verdicts> {
      const rows: { id: string; organisation_id: string }[] = await db.query(`SELECT id, organisation_id FROM users WHERE id = ANY($1::uuid[])`, [ids]);
      return new Map(rows.map((r) => [r.id, seesContact(p, r.organisation_id)]));
    },
    fromFacts: (p: Principal, f: UserFacts) => seesContact(p, f.organisationId),
  },
];
