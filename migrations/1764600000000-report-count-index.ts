import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `Incident.situationReports { totalCount }` counts an incident's reports that the viewer may
 * read (visibility, author organisation, recipients): with `situation_reports_incident_idx`
 * alone that is a heap visit per report (thousands per active incident, bench scenario 3).
 * The same index with `visibility` and `organisation_id` included answers the count from the
 * index alone and still serves the newest-first page, so it replaces the old one (no extra
 * index to maintain on insert).
 */
export class ReportCountIndex1764600000000 implements MigrationInterface {
  name = 'ReportCountIndex1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX situation_reports_incident_covering_idx ON situation_reports (incident_id, submitted_at DESC, id DESC) INCLUDE (visibility, organisation_id)`,
    );
    await q.query(`DROP INDEX situation_reports_incident_idx`);
    await q.query(`ALTER INDEX situation_reports_incident_covering_idx RENAME TO situation_reports_incident_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX situation_reports_incident_plain_idx ON situation_reports (incident_id, submitted_at DESC, id DESC)`);
    await q.query(`DROP INDEX situation_reports_incident_idx`);
    await q.query(`ALTER INDEX situation_reports_incident_plain_idx RENAME TO situation_reports_incident_idx`);
  }
}
