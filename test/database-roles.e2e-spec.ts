import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { loadConfig } from '../src/config/app-config.js';
import { runMigrations } from '../src/database/migrations-runner.js';
import { RUNTIME_PRIVILEGES } from '../src/database/runtime-privileges.js';
import { createOrganisation, userSession } from './support/factories.js';
import { createRequest, insertHolding, insertResourceIncident, insertResourceType, loanMutation, offer, ok } from './support/resource-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 15, item 4: the tables belong to the role that migrates (MIGRATIONS_DATABASE_URL); the hub
 * runs as another (DATABASE_URL), which cannot alter them, switch their triggers off, truncate
 * them, or change or delete an audit event, and with which the hub still does its work. On a
 * database of its own, made here from nothing, with two roles named for this run and dropped after.
 */
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const owner = `hub_owner_${suffix}`;
const runtime = `hub_app_${suffix}`;
const database = `hub_roles_${suffix}`;
const password = 'roles-test-password';

function urlFor(role: string): string {
  const url = new URL(process.env.TEST_ADMIN_DATABASE_URL!);
  url.username = role;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}

let admin: pg.Client;
let asRuntime: pg.Client;
let hub: TestApp;
const env = { DATABASE_URL: urlFor(runtime), MIGRATIONS_DATABASE_URL: urlFor(owner) };

beforeAll(async () => {
  admin = new pg.Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE ROLE ${owner} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`);
  await admin.query(`CREATE ROLE ${runtime} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`);
  await admin.query(`CREATE DATABASE ${database} OWNER ${owner}`);
  // The migrations run as the owner (startTestApp runs them with this configuration).
  hub = await startTestApp(env);
  asRuntime = new pg.Client({ connectionString: urlFor(runtime) });
  await asRuntime.connect();
});

afterAll(async () => {
  await asRuntime?.end();
  await hub?.close();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`DROP ROLE IF EXISTS ${runtime}`);
  await admin.query(`DROP ROLE IF EXISTS ${owner}`);
  await admin.end();
});

/** The SQLSTATE the runtime role's statement fails with, or 'ok'. */
async function outcome(sql: string): Promise<string> {
  try {
    await asRuntime.query(sql);
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('two database roles', () => {
  it('the hub runs as the runtime role, and the migrations role owns every table', async () => {
    const [{ user }] = await hub.db.query(`SELECT current_user AS user`);
    expect(user).toBe(runtime);
    const owners = await hub.db.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = current_schema()`);
    expect(owners).toEqual([{ tableowner: owner }]);
  });

  it('the runtime role cannot switch the audit triggers off, change, delete or truncate audit events, or alter anything', async () => {
    const refused = {
      disableTrigger: await outcome(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`),
      disableAllTriggers: await outcome(`ALTER TABLE audit_events DISABLE TRIGGER ALL`),
      updateEvent: await outcome(`UPDATE audit_events SET action = 'x'`),
      deleteEvent: await outcome(`DELETE FROM audit_events`),
      truncateEvents: await outcome(`TRUNCATE audit_events`),
      deleteHead: await outcome(`DELETE FROM audit_chain_head`),
      insertHead: await outcome(`INSERT INTO audit_chain_head (id, last_sequence, last_hash) VALUES (2, 0, repeat('0', 64))`),
      truncateLoans: await outcome(`TRUNCATE resource_loans CASCADE`),
      deleteLoans: await outcome(`DELETE FROM resource_loans`),
      updateReport: await outcome(`UPDATE situation_reports SET situation = 'x'`),
      alterTable: await outcome(`ALTER TABLE users ADD COLUMN x int`),
      dropTrigger: await outcome(`DROP TRIGGER audit_events_no_truncate ON audit_events`),
      dropTable: await outcome(`DROP TABLE picture_stamps`),
      createTable: await outcome(`CREATE TABLE sneaky (id int)`),
      replicationRole: await outcome(`SET session_replication_role = replica`),
    };
    // 42501: insufficient_privilege ("must be owner", "permission denied").
    expect(refused).toEqual(Object.fromEntries(Object.keys(refused).map((k) => [k, '42501'])));
  });

  it('the hub does its work as the runtime role: logins, mutations with their triggers and audit events, a verified chain', async () => {
    const [{ before }] = await hub.db.query(`SELECT count(*)::int AS before FROM audit_events`);
    const adminUser = await userSession(hub, 'ADMIN');
    const created = await ok(
      hub.gql(`mutation ($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }`, { input: { code: `ROLES-${Date.now().toString(36).toUpperCase()}`, name: 'Roles test', kind: 'MUNICIPALITY' } }, adminUser.headers),
    );
    expect(created.createOrganisation.id).toBeDefined();

    // A resource loan (the counters' triggers) and a report (its version counter and the picture's stamps).
    const [lenderOrg, requesterOrg] = await Promise.all([createOrganisation(hub.db), createOrganisation(hub.db)]);
    const lender = await userSession(hub, 'LIAISON_OFFICER', lenderOrg.id);
    const requester = await userSession(hub, 'LIAISON_OFFICER', requesterOrg.id);
    const incident = await insertResourceIncident(hub.db, [requesterOrg.id, lenderOrg.id]);
    const type = await insertResourceType(hub.db);
    const holding = await insertHolding(hub.db, lenderOrg.id, type, 5);
    const request = await createRequest(hub, requester.headers, { incidentId: incident, resourceTypeId: type, quantity: 2 });
    const loan = await offer(hub, lender.headers, request, holding, 2);
    expect((await ok(hub.gql(loanMutation('accept'), { id: loan }, requester.headers))).r.status).toBe('ACCEPTED');
    const report = await ok(
      hub.gql(
        `mutation ($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { version } }`,
        { input: { incidentId: incident, operationalStatus: 'STRAINED', situation: 'Läget', visibility: 'ALL_PARTICIPANTS' } },
        requester.headers,
      ),
    );
    expect(report.submitSituationReport.version).toBe(1);
    const picture = await ok(hub.gql(`query ($id: ID!) { operationalPicture(incidentId: $id) { participants { latestReport { version } } } }`, { id: incident }, requester.headers));
    expect(picture.operationalPicture.participants.length).toBe(2);

    const [{ after }] = await hub.db.query(`SELECT count(*)::int AS after FROM audit_events`);
    expect(after - before).toBeGreaterThanOrEqual(8); // 3 logins, the organisation, request, offer, accept, report
    const chain = await ok(hub.gql(`{ verifyAuditChain { valid checkedEvents } }`, undefined, adminUser.headers));
    expect(chain.verifyAuditChain).toEqual({ valid: true, checkedEvents: after });
  });

  it('grants are applied again after every migration run, and come out the same', async () => {
    // Read as the owner, in the roles' database: information_schema shows the grants it made.
    const asOwner = new pg.Client({ connectionString: urlFor(owner) });
    await asOwner.connect();
    try {
      const grants = async () => ({
        tables: (await asOwner.query(`SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = $1 ORDER BY 1, 2`, [runtime])).rows,
        columns: (await asOwner.query(`SELECT table_name, column_name, privilege_type FROM information_schema.column_privileges WHERE grantee = $1 ORDER BY 1, 2, 3`, [runtime])).rows,
      });
      const before = await grants();
      expect(before.tables).toContainEqual({ table_name: 'audit_events', privilege_type: 'INSERT' });
      expect(before.tables.filter((g: { table_name: string }) => g.table_name === 'audit_events').map((g: { privilege_type: string }) => g.privilege_type)).toEqual(['INSERT', 'SELECT']);
      expect(before.tables.filter((g: { privilege_type: string }) => ['TRUNCATE', 'REFERENCES', 'TRIGGER'].includes(g.privilege_type))).toEqual([]);
      expect(new Set(before.tables.map((g: { table_name: string }) => g.table_name))).toEqual(new Set(Object.keys(RUNTIME_PRIVILEGES)));
      // Something granted by hand meanwhile is taken back by the next run.
      await asOwner.query(`GRANT ALL ON audit_events TO ${runtime}`);
      expect(await runMigrations(loadConfig({ NODE_ENV: 'test', ...env }))).toEqual([]);
      expect(await grants()).toEqual(before);
      expect(await outcome(`UPDATE audit_events SET action = 'x'`)).toBe('42501');
    } finally {
      await asOwner.end();
    }
  });

  it('refuses to run the hub as a role that could undo it: a member of the owner role', async () => {
    await admin.query(`GRANT ${owner} TO ${runtime}`);
    try {
      await expect(runMigrations(loadConfig({ NODE_ENV: 'test', ...env }))).rejects.toThrow(new RegExp(`runtime role ${runtime} .* is a member of the owner role ${owner}`));
    } finally {
      await admin.query(`REVOKE ${owner} FROM ${runtime}`);
    }
  });
});
