import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks and the transactional outbox that feeds them (docs/notifications.md).
 *
 * - `webhook_endpoints`: where an organisation wants to be told, and about what. The signing
 *   secret is stored as it is, not hashed: the hub signs every request with it, which a one-way
 *   hash would not allow. It is shown once, at registration or rotation, and never returned or
 *   logged afterwards; `previous_secret` signs too until `previous_secret_expires_at`, so that a
 *   receiver can switch over without losing requests (SECURITY.md, "Webhooks").
 * - `outbox_deliveries`: one row per (change, endpoint), written in the transaction of the change
 *   (nothing for a rollback, nothing lost for a commit). Only ids: what is sent is read, and
 *   checked against the receiving organisation's access, when it is sent. Its id is the delivery
 *   id the receiver sees, the same on every retry. A worker claims due rows with FOR UPDATE SKIP
 *   LOCKED and moves `next_attempt_at` to the end of its lease, so a claimed row is due again,
 *   for any replica, when the lease runs out (the claimant was killed).
 * - `delivery_attempts`: the delivery log, one row per request sent.
 *
 * Deleting an endpoint deletes its deliveries and their log: they belong to the endpoint.
 */
export class WebhookOutbox1765100000000 implements MigrationInterface {
  name = 'WebhookOutbox1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        name varchar(200) NOT NULL CHECK (length(btrim(name)) > 0),
        url varchar(2000) NOT NULL,
        event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
        incident_id uuid REFERENCES incidents(id),
        enabled boolean NOT NULL DEFAULT true,
        secret varchar(100) NOT NULL,
        previous_secret varchar(100),
        previous_secret_expires_at timestamptz,
        created_by_user_id uuid REFERENCES users(id),
        created_by_api_key_id uuid REFERENCES api_keys(id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT webhook_endpoints_previous_secret CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_organisation_idx ON webhook_endpoints (organisation_id, created_at, id)`);
    // The outbox's statement in every mutation looks for enabled endpoints by event type.
    await q.query(`CREATE INDEX webhook_endpoints_types_idx ON webhook_endpoints USING gin (event_types) WHERE enabled`);

    await q.query(`
      CREATE TABLE outbox_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event_type varchar(50) NOT NULL,
        incident_id uuid,
        subject_id uuid,
        test boolean NOT NULL DEFAULT false,
        status varchar(20) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','DELIVERING','DELIVERED','DEAD','SKIPPED')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        claimed_by varchar(100),
        claimed_until timestamptz,
        last_status_code integer,
        last_error varchar(500),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        -- A test event (sendTestWebhook) is about nothing; every other delivery about one record of one incident.
        CONSTRAINT outbox_deliveries_subject CHECK (test OR (incident_id IS NOT NULL AND subject_id IS NOT NULL))
      )`);
    // What the workers poll: only the rows still to send.
    await q.query(`CREATE INDEX outbox_deliveries_due_idx ON outbox_deliveries (next_attempt_at) WHERE status IN ('PENDING','DELIVERING')`);
    await q.query(`CREATE INDEX outbox_deliveries_endpoint_idx ON outbox_deliveries (endpoint_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE delivery_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        delivery_id uuid NOT NULL REFERENCES outbox_deliveries(id) ON DELETE CASCADE,
        attempt integer NOT NULL CHECK (attempt >= 1),
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL CHECK (duration_ms >= 0),
        status_code integer,
        error varchar(500),
        UNIQUE (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_attempts`);
    await q.query(`DROP TABLE outbox_deliveries`);
    await q.query(`DROP TABLE webhook_endpoints`);
  }
}
