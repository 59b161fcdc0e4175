import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DEMO_INCIDENT, DEMO_ORGANISATIONS } from '../src/demo/demo-region.data.js';
import { DEMO_INCIDENT_SCENARIO, DEMO_SCENARIOS } from '../src/demo/demo-scenarios.js';
import { loadDemoRegion } from '../src/demo/seed-demo-region.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

const counts = (hub: TestApp) =>
  hub.db.query(`SELECT (SELECT count(*) FROM organisations)::int AS orgs, (SELECT count(*) FROM resource_types)::int AS types,
                       (SELECT count(*) FROM resource_holdings)::int AS holdings, (SELECT count(*) FROM incident_participants)::int AS participants`);

/** Runs inside a transaction that is rolled back, so the other test files never see the demo rows. */
it('loads an SSR-like region once; loading it again changes nothing', async () => {
  const runner = hub.db.createQueryRunner();
  await runner.startTransaction();
  try {
    // Other files' scenarios may share the demo's names: only what this load adds counts.
    const before: string[] = (await runner.manager.query(`SELECT id FROM scenarios`)).map((r: { id: string }) => r.id);
    expect(await loadDemoRegion(runner.manager)).toBe(true);
    const codes = DEMO_ORGANISATIONS.map((o) => o.code);
    const [first] = await runner.manager.query(`SELECT count(*)::int AS n FROM organisations WHERE code = ANY($1)`, [codes]);
    expect(first.n).toBe(DEMO_ORGANISATIONS.length);
    // The hub's own organisation, where the demo administrator lives, comes with the region.
    expect(await runner.manager.query(`SELECT code FROM organisations WHERE code = 'HUB'`)).toEqual([{ code: 'HUB' }]);
    expect(DEMO_ORGANISATIONS.length).toBeGreaterThanOrEqual(35);
    const snapshot = await counts({ db: runner.manager } as unknown as TestApp);
    expect(await loadDemoRegion(runner.manager)).toBe(false);
    expect(await counts({ db: runner.manager } as unknown as TestApp)).toEqual(snapshot);

    const kinds = await runner.query(`SELECT DISTINCT kind FROM organisations WHERE code = ANY($1)`, [DEMO_ORGANISATIONS.map((o) => o.code)]);
    expect(kinds.map((k: any) => k.kind)).toEqual(expect.arrayContaining(['MUNICIPALITY', 'REGION', 'COUNTY_ADMINISTRATIVE_BOARD', 'POLICE', 'RESCUE_SERVICE', 'UTILITY', 'ARMED_FORCES', 'VOLUNTARY_ORGANISATION']));
    const phones = await runner.query(`SELECT duty_officer_phone FROM organisations WHERE code = ANY($1)`, [DEMO_ORGANISATIONS.map((o) => o.code)]);
    for (const p of phones) expect(p.duty_officer_phone).toMatch(/^\+46 8 465 004 \d\d$/);
    const [incident] = await runner.query(
      `SELECT i.status, count(p.*)::int AS participants, sum(p.lead::int)::int AS leads FROM incidents i JOIN incident_participants p ON p.incident_id = i.id WHERE i.reference = $1 GROUP BY i.status`,
      [DEMO_INCIDENT.reference],
    );
    expect(incident).toEqual({ status: 'ACTIVE', participants: DEMO_INCIDENT.participants.length, leads: 1 });
    const [{ n: holdings }] = await runner.query(`SELECT count(*)::int AS n FROM resource_holdings h JOIN organisations o ON o.id = h.organisation_id WHERE o.code = ANY($1)`, [DEMO_ORGANISATIONS.map((o) => o.code)]);
    expect(holdings).toBeGreaterThan(100);
    // Three scenarios, and the demo incident started from Norrtälje's "Storm".
    const scenarios = await runner.query(
      `SELECT s.name, v.version FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id WHERE s.name = ANY($1) AND s.id <> ALL($2::uuid[]) ORDER BY s.name`,
      [DEMO_SCENARIOS.map((d) => d.name), before],
    );
    expect(scenarios).toEqual(DEMO_SCENARIOS.map((d) => ({ name: d.name, version: 1 })).sort((a, b) => a.name.localeCompare(b.name)));
    const [{ name }] = await runner.query(
      `SELECT s.name FROM incidents i JOIN scenario_versions v ON v.id = i.scenario_version_id JOIN scenarios s ON s.id = v.scenario_id WHERE i.reference = $1`,
      [DEMO_INCIDENT.reference],
    );
    expect(name).toBe(DEMO_INCIDENT_SCENARIO);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
});

it("states in the README the organisations the data has: the region's and, with the hub's own, the hub's", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
  expect(readme).toContain(`The demo region has ${DEMO_ORGANISATIONS.length} organisations`);
  expect(DEMO_ORGANISATIONS.map((o) => o.code)).not.toContain('HUB');
  expect(readme).toContain(`the hub lists ${DEMO_ORGANISATIONS.length + 1} organisations`);
});
