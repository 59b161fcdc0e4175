import type { AccessRule, Verdicts } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAdmin } from '../common/auth/principal.js';

export const API_KEY_ACCESS_RULES: AccessRule<any>[] = [
  {
    // Another organisation's keys are not even listed to it: NOT_FOUND.
    permission: Permission.ApiKeyManage,
    entity: 'API key',
    forbidden: 'Only ADMIN and the key’s own organisation manage it',
    async decide(p, ids, db): Promise<Verdicts> {
      const rows: { id: string }[] = await db.query(`SELECT id FROM api_keys WHERE id = ANY($1::uuid[]) AND ($2::boolean OR organisation_id = $3::uuid)`, [
        ids,
        isAdmin(p),
        p.organisationId,
      ]);
      return new Map(rows.map((r) => [r.id, true]));
    },
  },
];
