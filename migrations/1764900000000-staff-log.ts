import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The staff log (logglista) and the meetings that work through it (DESIGN.md, invariant 7).
 *
 * - Entry numbers are counted on one row per incident (`log_counters`): the upsert
 *   `INSERT … ON CONFLICT DO UPDATE … RETURNING` locks that row, so concurrent writes in one
 *   incident queue on it and each gets the next number; a rollback gives the number back, so
 *   numbers are 1, 2, 3… without gap. The unique key catches anything else. A table of its own
 *   rather than a column of `incidents`: every write in an incident holds a share lock on the
 *   incident row, which an update of that row would have to wait for (and deadlock on).
 * - An entry's record (what was written, by whom, when, for whom) never changes: the database
 *   refuses DELETE and any UPDATE but of its follow-up state (status, owner, due time, changed at),
 *   which only a follow-up sets. Follow-ups and recipients are immutable altogether.
 * - Entries and recipients reference the participant row: only a participant writes, and only
 *   participants receive.
 */
export class StaffLog1764900000000 implements MigrationInterface {
  name = 'StaffLog1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE log_counters (
        incident_id uuid PRIMARY KEY REFERENCES incidents(id),
        last_number integer NOT NULL CHECK (last_number >= 1)
      )`);

    await q.query(`
      CREATE TABLE meetings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        kind varchar(30) NOT NULL CHECK (kind IN ('STAFF_MEETING','COORDINATION_CONFERENCE')),
        title varchar(200) NOT NULL CHECK (length(btrim(title)) > 0),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        starts_at timestamptz NOT NULL,
        status varchar(20) NOT NULL DEFAULT 'PLANNED' CHECK (status IN ('PLANNED','IN_PROGRESS','CLOSED')),
        started_at timestamptz,
        closed_at timestamptz,
        next_meeting_at timestamptz,
        summary varchar(10000),
        created_by_user_id uuid REFERENCES users(id),
        created_by_api_key_id uuid REFERENCES api_keys(id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT meetings_closed_at CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL)),
        CONSTRAINT meetings_started_at CHECK ((status = 'PLANNED') = (started_at IS NULL))
      )`);
    await q.query(`CREATE INDEX meetings_incident_idx ON meetings (incident_id, starts_at, id)`);
    await q.query(`CREATE INDEX meetings_previous_idx ON meetings (incident_id, kind, organisation_id, closed_at DESC) WHERE status = 'CLOSED'`);

    // The listed participants of a COORDINATION_CONFERENCE (the host among them); none listed: every participant of the incident.
    await q.query(`
      CREATE TABLE meeting_participants (
        meeting_id uuid NOT NULL REFERENCES meetings(id),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        PRIMARY KEY (meeting_id, organisation_id)
      )`);
    await q.query(`CREATE INDEX meeting_participants_org_idx ON meeting_participants (organisation_id, meeting_id)`);

    await q.query(`
      CREATE TABLE log_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL,
        number integer NOT NULL CHECK (number >= 1),
        kind varchar(20) NOT NULL CHECK (kind IN ('INFORMATION','NEED','QUESTION','DECISION','ACTION')),
        title varchar(200) NOT NULL CHECK (length(btrim(title)) > 0),
        text varchar(10000),
        organisation_id uuid NOT NULL,
        author_user_id uuid REFERENCES users(id),
        author_api_key_id uuid REFERENCES api_keys(id),
        visibility varchar(20) NOT NULL CHECK (visibility IN ('INTERNAL','ALL_PARTICIPANTS','RESTRICTED')),
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        initial_status varchar(20) NOT NULL CHECK (initial_status IN ('OPEN','IN_PROGRESS','DONE','CANCELLED')),
        parent_id uuid REFERENCES log_entries(id),
        resource_request_id uuid REFERENCES resource_requests(id),
        meeting_id uuid REFERENCES meetings(id),
        report_back varchar(500),
        -- The follow-up state: what the latest follow-ups set (the only columns that change).
        status varchar(20) NOT NULL CHECK (status IN ('OPEN','IN_PROGRESS','DONE','CANCELLED')),
        responsible_organisation_id uuid,
        responsible_person varchar(200),
        due_at timestamptz,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT log_entries_participant_fkey FOREIGN KEY (incident_id, organisation_id)
          REFERENCES incident_participants (incident_id, organisation_id),
        CONSTRAINT log_entries_responsible_fkey FOREIGN KEY (incident_id, responsible_organisation_id)
          REFERENCES incident_participants (incident_id, organisation_id),
        CONSTRAINT log_entries_number_key UNIQUE (incident_id, number)
      )`);
    await q.query(`CREATE INDEX log_entries_responsible_idx ON log_entries (responsible_organisation_id, status) WHERE status IN ('OPEN','IN_PROGRESS')`);
    await q.query(`CREATE INDEX log_entries_parent_idx ON log_entries (parent_id) WHERE parent_id IS NOT NULL`);
    await q.query(`CREATE INDEX log_entries_meeting_idx ON log_entries (meeting_id, number) WHERE meeting_id IS NOT NULL`);
    await q.query(`CREATE INDEX log_entries_open_idx ON log_entries (incident_id, kind, number) WHERE status IN ('OPEN','IN_PROGRESS')`);
    await q.query(`CREATE INDEX log_entries_created_idx ON log_entries (incident_id, created_at)`);

    await q.query(`
      CREATE TABLE log_entry_recipients (
        entry_id uuid NOT NULL REFERENCES log_entries(id),
        incident_id uuid NOT NULL,
        organisation_id uuid NOT NULL,
        PRIMARY KEY (entry_id, organisation_id),
        CONSTRAINT log_entry_recipients_participant_fkey FOREIGN KEY (incident_id, organisation_id)
          REFERENCES incident_participants (incident_id, organisation_id)
      )`);
    await q.query(`CREATE INDEX log_entry_recipients_org_idx ON log_entry_recipients (organisation_id, entry_id)`);

    await q.query(`
      CREATE TABLE log_entry_updates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        entry_id uuid NOT NULL REFERENCES log_entries(id),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        -- Not only participants: a COORDINATOR follows up entries of incidents it takes no part in.
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        author_user_id uuid REFERENCES users(id),
        author_api_key_id uuid REFERENCES api_keys(id),
        note varchar(5000) NOT NULL CHECK (length(btrim(note)) > 0),
        status varchar(20) CHECK (status IN ('OPEN','IN_PROGRESS','DONE','CANCELLED')),
        responsible_organisation_id uuid,
        responsible_person varchar(200),
        due_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX log_entry_updates_entry_idx ON log_entry_updates (entry_id, created_at, id)`);

    await q.query(`
      CREATE FUNCTION log_records_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is immutable: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const t of ['log_entry_recipients', 'log_entry_updates']) {
      await q.query(`CREATE TRIGGER ${t}_immutable BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION log_records_immutable()`);
    }
    // An entry: never deleted; updated only in its follow-up state.
    await q.query(`CREATE TRIGGER log_entries_undeletable BEFORE DELETE ON log_entries FOR EACH ROW EXECUTE FUNCTION log_records_immutable()`);
    await q.query(`
      CREATE TRIGGER log_entries_record_immutable BEFORE UPDATE ON log_entries FOR EACH ROW
        WHEN (to_jsonb(OLD) - ARRAY['status','responsible_organisation_id','responsible_person','due_at','changed_at']
              IS DISTINCT FROM to_jsonb(NEW) - ARRAY['status','responsible_organisation_id','responsible_person','due_at','changed_at'])
        EXECUTE FUNCTION log_records_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE log_entry_updates`);
    await q.query(`DROP TABLE log_entry_recipients`);
    await q.query(`DROP TABLE log_entries`);
    await q.query(`DROP FUNCTION log_records_immutable()`);
    await q.query(`DROP TABLE meeting_participants`);
    await q.query(`DROP TABLE meetings`);
    await q.query(`DROP TABLE log_counters`);
  }
}
