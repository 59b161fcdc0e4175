import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prepared scenarios (issue 17, docs/scenarios.md).
 *
 * - A scenario is a name, an owner (an organisation, or NULL for a regional scenario shared with
 *   everyone) and an archived flag; what it starts is in its versions. Each edit inserts version
 *   n+1 and moves `current_version`; a version never changes or disappears (the trigger, and
 *   the runtime role may only insert), so an incident's `scenario_version_id` says for ever what
 *   it was started from.
 * - A version's content is one JSONB document (category, texts, participants, links, log
 *   entries, meetings, resource needs), validated by the service as a whole when written: it is
 *   only ever read and copied as a whole, and never queried inside. The lead organisation is a
 *   column as well, since the activation rule decides on it.
 * - `(id, current_version)` references the version row, checked at commit: the scenario and its
 *   first version are inserted in one transaction.
 */
export class Scenarios1765000000000 implements MigrationInterface {
  name = 'Scenarios1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scenarios (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL CHECK (length(btrim(name)) > 0),
        owner_organisation_id uuid REFERENCES organisations(id),
        current_version integer NOT NULL CHECK (current_version >= 1),
        archived boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX scenarios_owner_idx ON scenarios (owner_organisation_id, lower(name), id)`);
    await q.query(`
      CREATE TABLE scenario_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scenario_id uuid NOT NULL REFERENCES scenarios(id),
        version integer NOT NULL CHECK (version >= 1),
        name varchar(200) NOT NULL CHECK (length(btrim(name)) > 0),
        lead_organisation_id uuid NOT NULL REFERENCES organisations(id),
        content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object'),
        created_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT scenario_versions_number_key UNIQUE (scenario_id, version)
      )`);
    await q.query(`
      ALTER TABLE scenarios ADD CONSTRAINT scenarios_current_version_fkey
        FOREIGN KEY (id, current_version) REFERENCES scenario_versions (scenario_id, version) DEFERRABLE INITIALLY DEFERRED`);
    await q.query(`
      CREATE FUNCTION scenario_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'scenario_versions is immutable: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER scenario_versions_immutable BEFORE UPDATE OR DELETE ON scenario_versions FOR EACH ROW EXECUTE FUNCTION scenario_versions_immutable()`);

    await q.query(`ALTER TABLE incidents ADD COLUMN scenario_version_id uuid REFERENCES scenario_versions(id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incidents DROP COLUMN scenario_version_id`);
    await q.query(`ALTER TABLE scenarios DROP CONSTRAINT scenarios_current_version_fkey`);
    await q.query(`DROP TABLE scenario_versions`);
    await q.query(`DROP FUNCTION scenario_versions_immutable()`);
    await q.query(`DROP TABLE scenarios`);
  }
}
