import type { AccessRule, Verdicts } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAdmin } from '../common/auth/principal.js';

export const USER_ACCESS_RULES: AccessRule<any>[] = [
  {
    permission: Permission.UserRead,
    entity: 'User',
    forbidden: 'Only ADMIN and the same organisation see a user',
    async decide(p, ids, db): Promise<Verdicts> {
      const rows: { id: string }[] = await db.query(`SELECT id FROM users WHERE id = ANY($1::uuid[]) AND ($2::boolean OR organisation_id = $3::uuid)`, [
        ids,
        isAdmin(p),
        p.organisationId,
      ]);
      return new Map(rows.map((r) => [r.id, true]));
    },
  },
];
