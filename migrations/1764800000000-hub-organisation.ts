import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hub's own organisation (code HUB), where its administrators live. Every deployment has it,
 * so it is created here rather than by the demo data: HUB_ADMIN_EMAIL's first administrator and
 * the demo's admin login both join it.
 */
export class HubOrganisation1764800000000 implements MigrationInterface {
  name = 'HubOrganisation1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO organisations (code, name, kind) VALUES ('HUB', 'Samverkan hub (förvaltning)', 'OTHER') ON CONFLICT (code) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM organisations WHERE code = 'HUB' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = organisations.id)`);
  }
}
