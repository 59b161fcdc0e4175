import type { DataSource } from 'typeorm';

/**
 * What the role the hub runs as (DATABASE_URL's) may do with each table, when the tables belong
 * to another role (MIGRATIONS_DATABASE_URL's). Nothing else: no ownership, so no ALTER, DROP or
 * DISABLE TRIGGER; no TRUNCATE, REFERENCES or TRIGGER; DELETE only where the hub deletes rows.
 * The audit trail is append-only for it: audit events can be read and inserted, and of the chain
 * head only the two columns that AuditChainWriter moves can be updated (which SELECT … FOR UPDATE
 * of the head also needs). Reports are never edited, so they are not updatable either.
 *
 * Triggers run as the role whose statement fires them, so the tables they write (counters of
 * holdings and requests, picture_stamps) need the same privileges as if the hub wrote them.
 * A table missing here makes the migration runner stop with its name: a new table needs a line.
 */
export const RUNTIME_PRIVILEGES: Readonly<Record<string, string>> = {
  migrations: 'SELECT',
  organisations: 'SELECT, INSERT, UPDATE',
  users: 'SELECT, INSERT, UPDATE',
  refresh_tokens: 'SELECT, INSERT, UPDATE',
  api_keys: 'SELECT, INSERT, UPDATE',
  login_throttle: 'SELECT, INSERT, UPDATE, DELETE',
  idempotency_keys: 'SELECT, INSERT, UPDATE, DELETE',
  audit_events: 'SELECT, INSERT',
  audit_chain_head: 'SELECT, UPDATE (last_sequence, last_hash)',
  incidents: 'SELECT, INSERT, UPDATE',
  incident_participants: 'SELECT, INSERT, UPDATE',
  incident_reference_counters: 'SELECT, INSERT, UPDATE',
  situation_reports: 'SELECT, INSERT',
  situation_report_recipients: 'SELECT, INSERT',
  situation_report_acknowledgements: 'SELECT, INSERT',
  resource_types: 'SELECT, INSERT, UPDATE',
  resource_holdings: 'SELECT, INSERT, UPDATE',
  resource_requests: 'SELECT, INSERT, UPDATE',
  resource_loans: 'SELECT, INSERT, UPDATE',
  communication_links: 'SELECT, INSERT, UPDATE',
  communication_link_participants: 'SELECT, INSERT, UPDATE',
  picture_stamps: 'SELECT, INSERT, UPDATE',
  log_counters: 'SELECT, INSERT, UPDATE',
  // An entry's text never changes (a trigger refuses it); its follow-up state does.
  log_entries: 'SELECT, INSERT, UPDATE',
  log_entry_recipients: 'SELECT, INSERT',
  log_entry_updates: 'SELECT, INSERT',
  meetings: 'SELECT, INSERT, UPDATE',
  meeting_participants: 'SELECT, INSERT',
  scenarios: 'SELECT, INSERT, UPDATE',
  // A version is never changed: an edit is a new version.
  scenario_versions: 'SELECT, INSERT',
  // Endpoints are deleted by their organisation, and their deliveries and log with them.
  webhook_endpoints: 'SELECT, INSERT, UPDATE, DELETE',
  outbox_deliveries: 'SELECT, INSERT, UPDATE, DELETE',
  delivery_attempts: 'SELECT, INSERT, DELETE',
  // A user's own choices, changed by the user; deleted with the user.
  notification_preferences: 'SELECT, INSERT, UPDATE, DELETE',
  // Kept so that an overdue task is told about once per due time.
  overdue_notices: 'SELECT, INSERT',
};

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Gives `role` exactly RUNTIME_PRIVILEGES on the tables of the owner's schema, as their owner (the
 * connection of `owner`), in one transaction: everything it had is revoked first, so the result
 * is the same however often it runs and whatever was granted before. Run after every migration
 * run, so that the tables a migration creates are covered at once.
 *
 * Chosen over default privileges (ALTER DEFAULT PRIVILEGES): those give every future table the
 * same privileges, cannot say "append only" for one table, apply only to tables their role
 * creates, and do nothing for the tables that already exist.
 *
 * Refuses a role that could undo all this: a superuser, a member of the owner role, or one that
 * owns tables in the schema.
 */
export async function grantRuntimePrivileges(owner: DataSource, role: string): Promise<void> {
  await owner.transaction(async (m) => {
    const [me] = await m.query(`SELECT current_user AS owner, current_schema() AS schema`);
    const [r] = await m.query(
      `SELECT r.rolsuper, pg_has_role(r.oid, current_user, 'MEMBER') AS member_of_owner,
              has_schema_privilege(r.oid, current_schema(), 'USAGE') AS schema_usage,
              array(SELECT t.tablename::text FROM pg_tables t WHERE t.schemaname = current_schema() AND t.tableowner = r.rolname) AS owned
         FROM pg_roles r WHERE r.rolname = $1`,
      [role],
    );
    const refuse = (why: string) => new Error(`the runtime role ${role} (DATABASE_URL) ${why}; the hub must run as a role of its own without it`);
    if (!r) throw refuse(`does not exist: create it (CREATE ROLE ${ident(role)} LOGIN PASSWORD '…')`);
    if (r.rolsuper) throw refuse('is a superuser');
    if (r.member_of_owner) throw refuse(`is a member of the owner role ${me.owner} (MIGRATIONS_DATABASE_URL)`);
    if (r.owned.length) throw refuse(`owns tables (${r.owned.join(', ')}): REASSIGN OWNED BY ${ident(role)} TO ${ident(me.owner)}`);

    const tables: string[] = (await m.query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)).map(
      (t: { tablename: string }) => t.tablename,
    );
    const missing = tables.filter((t) => !(t in RUNTIME_PRIVILEGES));
    if (missing.length) throw new Error(`no runtime privileges are stated for ${missing.join(', ')}: add them to RUNTIME_PRIVILEGES (src/database/runtime-privileges.ts)`);

    const schema = ident(me.schema);
    // PUBLIC usually has USAGE on the schema; granting it needs the schema's owner, which the
    // migrations role need not be.
    if (!r.schema_usage) await m.query(`GRANT USAGE ON SCHEMA ${schema} TO ${ident(role)}`);
    await m.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${ident(role)}`);
    await m.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${ident(role)}`);
    for (const table of tables) await m.query(`GRANT ${RUNTIME_PRIVILEGES[table]} ON ${schema}.${ident(table)} TO ${ident(role)}`);
    // A serial or identity column's sequence is advanced by the INSERT that uses it.
    await m.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${ident(role)}`);
  });
}
