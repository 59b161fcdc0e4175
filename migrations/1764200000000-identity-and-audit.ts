import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, sessions (refresh-token families), API keys, login throttling, idempotency keys and
 * the audit trail: one hash chain, append-only, enforced by the database itself.
 */
export class IdentityAndAudit1764200000000 implements MigrationInterface {
  name = 'IdentityAndAudit1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        email varchar(254) NOT NULL,
        display_name varchar(200) NOT NULL,
        role varchar(20) NOT NULL CHECK (role IN ('ADMIN','COORDINATOR','LIAISON_OFFICER','VIEWER')),
        password_hash text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`CREATE INDEX users_organisation_idx ON users (organisation_id, lower(display_name), id)`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        family_id uuid NOT NULL,
        token_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT refresh_tokens_hash_key UNIQUE (token_hash)
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        name varchar(100) NOT NULL,
        prefix varchar(20) NOT NULL,
        key_hash char(64) NOT NULL,
        scopes text[] NOT NULL,
        created_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_hash_key UNIQUE (key_hash)
      )`);
    await q.query(`CREATE INDEX api_keys_organisation_idx ON api_keys (organisation_id, created_at)`);

    await q.query(`
      CREATE TABLE login_throttle (
        key varchar(300) PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        locked_until timestamptz
      )`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        principal varchar(80) NOT NULL,
        key varchar(200) NOT NULL,
        request_hash char(64) NOT NULL,
        -- The first response exactly as it was sent (text, not jsonb, which would reorder its keys).
        response text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (principal, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);

    await q.query(`
      CREATE TABLE audit_events (
        sequence bigint PRIMARY KEY,
        id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        occurred_at timestamptz NOT NULL,
        action varchar(100) NOT NULL,
        entity_type varchar(100) NOT NULL,
        entity_id uuid,
        actor_user_id uuid,
        actor_api_key_id uuid,
        actor_organisation_id uuid,
        details text,
        request_id varchar(100),
        client_address varchar(100),
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_events_org_idx ON audit_events (actor_organisation_id, sequence)`);
    await q.query(`CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, sequence)`);
    // The head of the chain: one row, locked by each writer for the shortest possible time at
    // the very end of its transaction.
    await q.query(`
      CREATE TABLE audit_chain_head (
        id smallint PRIMARY KEY CHECK (id = 1),
        last_sequence bigint NOT NULL,
        last_hash char(64) NOT NULL
      )`);
    await q.query(`INSERT INTO audit_chain_head (id, last_sequence, last_hash) VALUES (1, 0, repeat('0', 64))`);
    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_chain_head', 'audit_events', 'idempotency_keys', 'login_throttle', 'api_keys', 'refresh_tokens', 'users']) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`DROP FUNCTION audit_events_append_only()`);
  }
}
