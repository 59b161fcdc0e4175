import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The scope of the directory's stamp (organisations, users): every picture depends on it. */
const DIRECTORY_STAMP_SCOPE = '00000000-0000-0000-0000-000000000000';

/**
 * Change stamps for the operational picture's cache (`src/incidents/operational-picture.service.ts`).
 *
 * `picture_stamps` holds, per incident, the id of the last transaction that changed anything
 * the incident's picture is built from, and under the nil uuid the last one that changed the
 * directory (organisations, users). A cached picture is served only while both stamps, read in
 * the request's own statement, are the ones it was built with; so a picture is never older
 * than the database, on any replica.
 *
 * The stamps are written by triggers, not by the services, so that no write path (a mutation,
 * the demo data, an operator's SQL) can forget one. They are deferred constraint triggers: they
 * run at COMMIT, after the audit event has taken the chain head's lock, so the stamp row is
 * locked only for the commit itself and always after the chain head (no new lock order).
 * A transaction writes its stamp once per scope (`WHERE stamp <> …`).
 *
 * What the picture reads, and what stamps it:
 * - `incidents`: any update of the row;
 * - `incident_participants`: insert, delete, and updates of anything but `report_versions`
 *   (the version counter that every submit bumps; the report insert stamps instead);
 * - `situation_reports`, `situation_report_recipients` (immutable): insert;
 * - `situation_report_acknowledgements`: insert, update, delete (through the report's incident);
 * - `resource_requests`, `communication_links` (the picture's open requests and active links):
 *   insert, update, delete;
 * - `organisations`: any update; `users`: updates of the columns the picture shows of an author.
 * TRUNCATE of any of them stamps the directory, which invalidates every picture.
 * A new column that the picture reads needs its table's trigger here to cover it.
 */
export class PictureStamps1764700000000 implements MigrationInterface {
  name = 'PictureStamps1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE picture_stamps (scope uuid PRIMARY KEY, stamp xid8 NOT NULL)`);
    await q.query(`
      CREATE FUNCTION picture_stamp(scope uuid) RETURNS void LANGUAGE sql AS $$
        INSERT INTO picture_stamps AS s (scope, stamp) VALUES ($1, pg_current_xact_id())
        ON CONFLICT (scope) DO UPDATE SET stamp = EXCLUDED.stamp WHERE s.stamp <> EXCLUDED.stamp
      $$`);
    await q.query(`
      CREATE FUNCTION picture_stamp_row() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        r record;
      BEGIN
        IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
        CASE TG_ARGV[0]
          WHEN 'incident' THEN PERFORM picture_stamp(r.id);
          WHEN 'in_incident' THEN
            PERFORM picture_stamp(r.incident_id);
            IF TG_OP = 'UPDATE' AND OLD.incident_id IS DISTINCT FROM NEW.incident_id THEN PERFORM picture_stamp(OLD.incident_id); END IF;
          WHEN 'report' THEN
            PERFORM picture_stamp(incident_id) FROM situation_reports WHERE id = r.report_id;
            IF TG_OP = 'UPDATE' AND OLD.report_id IS DISTINCT FROM NEW.report_id THEN
              PERFORM picture_stamp(incident_id) FROM situation_reports WHERE id = OLD.report_id;
            END IF;
          ELSE PERFORM picture_stamp('${DIRECTORY_STAMP_SCOPE}');
        END CASE;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION picture_stamp_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM picture_stamp('${DIRECTORY_STAMP_SCOPE}');
        RETURN NULL;
      END $$`);

    const rowTrigger = (table: string, events: string, kind: string, when = '') =>
      q.query(
        `CREATE CONSTRAINT TRIGGER ${table}_picture_stamp AFTER ${events} ON ${table} DEFERRABLE INITIALLY DEFERRED
           FOR EACH ROW ${when ? `WHEN (${when})` : ''} EXECUTE FUNCTION picture_stamp_row('${kind}')`,
      );
    await rowTrigger('incidents', 'UPDATE', 'incident');
    await rowTrigger('incident_participants', 'INSERT OR DELETE', 'in_incident');
    await q.query(
      `CREATE CONSTRAINT TRIGGER incident_participants_picture_stamp_update AFTER UPDATE ON incident_participants DEFERRABLE INITIALLY DEFERRED
         FOR EACH ROW WHEN (to_jsonb(OLD) - 'report_versions' IS DISTINCT FROM to_jsonb(NEW) - 'report_versions')
         EXECUTE FUNCTION picture_stamp_row('in_incident')`,
    );
    await rowTrigger('situation_reports', 'INSERT', 'in_incident');
    await rowTrigger('situation_report_recipients', 'INSERT', 'in_incident');
    await rowTrigger('situation_report_acknowledgements', 'INSERT OR UPDATE OR DELETE', 'report');
    await rowTrigger('resource_requests', 'INSERT OR UPDATE OR DELETE', 'in_incident');
    await rowTrigger('communication_links', 'INSERT OR UPDATE OR DELETE', 'in_incident');
    await rowTrigger('organisations', 'UPDATE', 'directory');
    await rowTrigger(
      'users',
      'UPDATE',
      'directory',
      `(OLD.organisation_id, OLD.email, OLD.display_name, OLD.role, OLD.active, OLD.created_at) IS DISTINCT FROM (NEW.organisation_id, NEW.email, NEW.display_name, NEW.role, NEW.active, NEW.created_at)`,
    );
    for (const table of TABLES) {
      await q.query(`CREATE TRIGGER ${table}_picture_stamp_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION picture_stamp_truncate()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await q.query(`DROP TRIGGER ${table}_picture_stamp_truncate ON ${table}`);
    for (const table of TABLES) await q.query(`DROP TRIGGER IF EXISTS ${table}_picture_stamp ON ${table}`);
    await q.query(`DROP TRIGGER incident_participants_picture_stamp_update ON incident_participants`);
    await q.query(`DROP FUNCTION picture_stamp_truncate()`);
    await q.query(`DROP FUNCTION picture_stamp_row()`);
    await q.query(`DROP FUNCTION picture_stamp(uuid)`);
    await q.query(`DROP TABLE picture_stamps`);
  }
}

const TABLES = [
  'incidents',
  'incident_participants',
  'situation_reports',
  'situation_report_recipients',
  'situation_report_acknowledgements',
  'resource_requests',
  'communication_links',
  'organisations',
  'users',
];
