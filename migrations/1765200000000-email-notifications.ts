import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail to people through the same outbox as webhooks (docs/notifications.md, "E-mail").
 *
 * - `notification_preferences`: what a user wants to be told about (`topics`), how (`digest_hours`
 *   null: at once; otherwise one mail every that many hours) and in which language. A user
 *   without a row is told nothing.
 * - `outbox_deliveries` gains a channel: a WEBHOOK row goes to an endpoint, an EMAIL row to a
 *   user, with the organisation and the topic it was addressed for (a user who has moved to
 *   another organisation or opted out of the topic by the time it is sent gets nothing). A digest
 *   row waits (`next_attempt_at`) until the end of its user's digest period.
 * - `overdue_notices`: the overdue tasks the hub has already told about, once per due time.
 * - Retention deletes finished rows by `finished_at`: an index for it.
 */
export class EmailNotifications1765200000000 implements MigrationInterface {
  name = 'EmailNotifications1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_preferences (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        topics text[] NOT NULL DEFAULT '{}',
        digest_hours integer CHECK (digest_hours BETWEEN 1 AND 168),
        language varchar(2) NOT NULL DEFAULT 'sv' CHECK (language IN ('sv','en')),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // The outbox's statement looks for the users of the addressed organisations who asked for a topic.
    await q.query(`CREATE INDEX notification_preferences_topics_idx ON notification_preferences USING gin (topics) WHERE topics <> '{}'`);

    await q.query(`ALTER TABLE outbox_deliveries ALTER COLUMN endpoint_id DROP NOT NULL`);
    await q.query(`
      ALTER TABLE outbox_deliveries
        ADD COLUMN channel varchar(10) NOT NULL DEFAULT 'WEBHOOK' CHECK (channel IN ('WEBHOOK','EMAIL')),
        ADD COLUMN user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        ADD COLUMN organisation_id uuid,
        ADD COLUMN topic varchar(40),
        ADD COLUMN digest boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT outbox_deliveries_channel CHECK (
          (channel = 'WEBHOOK' AND endpoint_id IS NOT NULL AND user_id IS NULL)
          OR (channel = 'EMAIL' AND endpoint_id IS NULL AND user_id IS NOT NULL AND organisation_id IS NOT NULL AND topic IS NOT NULL AND NOT test))`);
    await q.query(`CREATE INDEX outbox_deliveries_user_idx ON outbox_deliveries (user_id) WHERE user_id IS NOT NULL`);
    await q.query(`CREATE INDEX outbox_deliveries_finished_idx ON outbox_deliveries (finished_at) WHERE status IN ('DELIVERED','DEAD','SKIPPED')`);

    await q.query(`
      CREATE TABLE overdue_notices (
        log_entry_id uuid NOT NULL REFERENCES log_entries(id),
        due_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (log_entry_id, due_at)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE overdue_notices`);
    await q.query(`DELETE FROM outbox_deliveries WHERE channel = 'EMAIL'`);
    await q.query(`DROP INDEX outbox_deliveries_finished_idx`);
    await q.query(`ALTER TABLE outbox_deliveries DROP CONSTRAINT outbox_deliveries_channel, DROP COLUMN digest, DROP COLUMN topic, DROP COLUMN organisation_id, DROP COLUMN user_id, DROP COLUMN channel`);
    await q.query(`ALTER TABLE outbox_deliveries ALTER COLUMN endpoint_id SET NOT NULL`);
    await q.query(`DROP TABLE notification_preferences`);
  }
}
