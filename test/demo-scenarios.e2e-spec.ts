import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { DEMO_PASSWORD } from '../src/demo/demo-users.js';
import { DEMO_SCENARIOS } from '../src/demo/demo-scenarios.js';
import { loadDemoRegion } from '../src/demo/seed-demo-region.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * The README's walk-through: the coordinator starts an exercise from a demo scenario. On a
 * database of its own, so that the demo region (committed here) is seen by no other test file.
 */
const database = `hub_demo_scenarios_${randomBytes(4).toString('hex')}`;
let admin: pg.Client;
let hub: TestApp;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(process.env.TEST_ADMIN_DATABASE_URL!);
  url.pathname = `/${database}`;
  hub = await startTestApp({ DATABASE_URL: url.toString() });
  await hub.db.transaction((m) => loadDemoRegion(m));
}, 120_000);

afterAll(async () => {
  await hub?.close();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

it('starts an exercise from every demo scenario as the README shows, with what each scenario describes', async () => {
  const login = await hub.gql(`mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, {
    e: 'samordnare@lansstyrelsen.example',
    p: DEMO_PASSWORD,
  });
  const headers = { authorization: `Bearer ${login.body.data!.login.accessToken}` };
  const list = await hub.gql(`{ scenarios(first: 10) { nodes { id name shared currentVersion { version title leadOrganisationId } } } }`, undefined, headers);
  expect(list.body.errors).toBeUndefined();
  const scenarios: { id: string; name: string }[] = list.body.data!.scenarios.nodes;
  expect(scenarios.map((s) => s.name).sort()).toEqual(DEMO_SCENARIOS.map((s) => s.name).sort());

  for (const demo of DEMO_SCENARIOS) {
    const id = scenarios.find((s) => s.name === demo.name)!.id;
    const res = await hub.gql(
      `mutation ($id: ID!) { activateScenario(input: { scenarioId: $id, exercise: true }) {
         id reference title exercise participants { lead organisation { code } }
         communicationLinks { name address status } scenarioVersion { name version } } }`,
      { id },
      { ...headers, 'idempotency-key': `readme-${DEMO_SCENARIOS.indexOf(demo)}` },
    );
    expect({ scenario: demo.name, errors: res.body.errors }).toEqual({ scenario: demo.name, errors: undefined });
    const incident = res.body.data!.activateScenario;
    expect(incident).toMatchObject({ title: demo.title, exercise: true, scenarioVersion: { name: demo.name, version: 1 } });
    expect(incident.participants.filter((p: any) => p.lead).map((p: any) => p.organisation.code)).toEqual([demo.lead]);
    expect(incident.participants.map((p: any) => p.organisation.code).sort()).toEqual([...new Set([demo.lead, ...demo.participants])].sort());
    expect(incident.communicationLinks.map((l: any) => l.address).sort()).toEqual(demo.links.map((l) => l.address).sort());
    const [{ entries, meetings, requests }] = await hub.db.query(
      `SELECT (SELECT count(*)::int FROM log_entries WHERE incident_id = $1) AS entries, (SELECT count(*)::int FROM meetings WHERE incident_id = $1) AS meetings,
              (SELECT count(*)::int FROM resource_requests WHERE incident_id = $1) AS requests`,
      [incident.id],
    );
    // The scenario's entries, and one that asks every participant for the reporting rhythm.
    expect(entries).toBe(demo.logEntries.length + (demo.reportIntervalMinutes ? 1 : 0));
    expect(meetings).toBeGreaterThanOrEqual(demo.meetings.length);
    expect(requests).toBe(demo.resourceNeeds.length);
  }
});
