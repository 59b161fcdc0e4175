import type { MigrationInterface, QueryRunner } from 'typeorm';

const TEXT_COLUMNS = ['consequences', 'actions_taken', 'planned_actions', 'needs', 'forecast', 'public_information'];

/**
 * Situation reports (lägesrapporter), their recipients and acknowledgements.
 *
 * - Versions are counted on the participant row (`incident_participants.report_versions`):
 *   `UPDATE … SET report_versions = report_versions + 1 RETURNING` serialises concurrent
 *   submits of one organisation on that row and rolls back with the transaction, so versions
 *   are 1, 2, 3… without gap; the unique key catches anything else.
 * - A report and its recipients reference the participant row: only a participant can report
 *   and only participants can be recipients, whatever the code does.
 * - Reports and recipients are immutable: the database refuses UPDATE and DELETE on them.
 */
export class SituationReports1764300000000 implements MigrationInterface {
  name = 'SituationReports1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incident_participants ADD COLUMN report_versions integer NOT NULL DEFAULT 0`);

    await q.query(`
      CREATE TABLE situation_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL,
        organisation_id uuid NOT NULL,
        author_user_id uuid REFERENCES users(id),
        author_api_key_id uuid REFERENCES api_keys(id),
        version integer NOT NULL CHECK (version >= 1),
        supersedes_id uuid REFERENCES situation_reports(id),
        operational_status varchar(20) NOT NULL CHECK (operational_status IN ('NORMAL','STRAINED','SEVERELY_STRAINED','CRITICAL')),
        situation varchar(10000) NOT NULL CHECK (length(btrim(situation)) > 0),
        ${TEXT_COLUMNS.map((c) => `${c} varchar(5000),`).join('\n        ')}
        visibility varchar(20) NOT NULL CHECK (visibility IN ('ALL_PARTICIPANTS','RESTRICTED')),
        submitted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        next_report_due_at timestamptz,
        CONSTRAINT situation_reports_participant_fkey FOREIGN KEY (incident_id, organisation_id)
          REFERENCES incident_participants (incident_id, organisation_id),
        CONSTRAINT situation_reports_version_key UNIQUE (incident_id, organisation_id, version),
        CONSTRAINT situation_reports_supersedes CHECK ((version = 1) = (supersedes_id IS NULL))
      )`);
    await q.query(`CREATE INDEX situation_reports_incident_idx ON situation_reports (incident_id, submitted_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE situation_report_recipients (
        report_id uuid NOT NULL REFERENCES situation_reports(id),
        incident_id uuid NOT NULL,
        organisation_id uuid NOT NULL,
        PRIMARY KEY (report_id, organisation_id),
        CONSTRAINT situation_report_recipients_participant_fkey FOREIGN KEY (incident_id, organisation_id)
          REFERENCES incident_participants (incident_id, organisation_id)
      )`);
    await q.query(`CREATE INDEX situation_report_recipients_org_idx ON situation_report_recipients (organisation_id, report_id)`);

    await q.query(`
      CREATE TABLE situation_report_acknowledgements (
        report_id uuid NOT NULL REFERENCES situation_reports(id),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        acknowledged_by_user_id uuid REFERENCES users(id),
        acknowledged_by_api_key_id uuid REFERENCES api_keys(id),
        acknowledged_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (report_id, organisation_id)
      )`);

    await q.query(`
      CREATE FUNCTION situation_reports_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is immutable: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const t of ['situation_reports', 'situation_report_recipients']) {
      await q.query(`CREATE TRIGGER ${t}_immutable BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION situation_reports_immutable()`);
    }

    // Incident lists filter on participants and search free text; newest first is (created_at, id).
    await q.query(`CREATE INDEX incidents_category_idx ON incidents (category)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX incidents_category_idx`);
    await q.query(`DROP TABLE situation_report_acknowledgements`);
    await q.query(`DROP TABLE situation_report_recipients`);
    await q.query(`DROP TABLE situation_reports`);
    await q.query(`DROP FUNCTION situation_reports_immutable()`);
    await q.query(`ALTER TABLE incident_participants DROP COLUMN report_versions`);
  }
}
