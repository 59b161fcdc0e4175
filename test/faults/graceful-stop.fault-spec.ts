import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createApiKey, createOrganisation } from '../support/factories.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { insertIncident, SUBMIT_REPORT } from '../support/incident-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { gqlCall, LoadRun } from './load.js';

let fixtures: TestApp;
let hub: HubProcess | undefined;
beforeAll(async () => {
  fixtures = await startTestApp();
});
afterAll(async () => {
  if (hub && hub.child.exitCode === null) hub.child.kill('SIGKILL');
  await fixtures.close();
});

it('SIGTERM under load: requests already accepted complete, new ones are refused, the process exits within the grace period', async () => {
  const orgs = await Promise.all([1, 2].map(() => createOrganisation(fixtures.db)));
  const incident = await insertIncident(fixtures.db, orgs.map((o) => o.id));
  const keys = await Promise.all(orgs.map((o) => createApiKey(fixtures.db, o.id, ['REPORTS_WRITE', 'REPORTS_READ', 'INCIDENTS_READ'])));
  const graceMs = 5000;
  hub = await startHubProcess({ SHUTDOWN_TIMEOUT_MS: String(graceMs), RATE_LIMIT_PER_MINUTE: '100000' });
  const url = hub.url;

  const acknowledged: string[] = [];
  const load = new LoadRun();
  load.start(12, async (client, i) => {
    if (client % 2 === 0) {
      const r = await gqlCall(url, SUBMIT_REPORT, { input: { incidentId: incident.id, operationalStatus: 'NORMAL', situation: `c${client} i${i}`, visibility: 'ALL_PARTICIPANTS' } }, keys[client % 2 === 0 ? 0 : 1].headers);
      if (r.data?.submitSituationReport) acknowledged.push(r.data.submitSituationReport.id);
      return r.outcome;
    }
    return (await gqlCall(url, `query ($id: ID!) { operationalPicture(incidentId: $id) { notReportedCount participants { organisation { id } } } }`, { id: incident.id }, keys[1].headers)).outcome;
  });

  await new Promise((r) => setTimeout(r, 1500));
  const sigtermAt = Date.now();
  hub.child.kill('SIGTERM');
  const exited = await hub.exited;
  const exitedAfter = Date.now() - sigtermAt;
  await new Promise((r) => setTimeout(r, 300));
  await load.stop();

  expect(exited).toEqual({ code: 0, signal: null });
  expect(exitedAfter).toBeLessThan(graceMs + 3000);
  // Requests sent well before the signal were accepted, and every one of them completed.
  const accepted = load.outcomes.filter((o) => o.startedAt < sigtermAt - 100);
  expect(accepted.length).toBeGreaterThan(20);
  expect(accepted.filter((o) => o.kind !== 'ok')).toEqual([]);
  // After the signal, nothing new is taken in: new requests are refused at the connection.
  const late = load.outcomes.filter((o) => o.startedAt > sigtermAt + exitedAfter);
  expect(late.length).toBeGreaterThan(0);
  expect(late.every((o) => o.kind === 'network-error')).toBe(true);
  expect(load.outcomes.filter((o) => o.kind === 'http-error')).toEqual([]);
  // Every write the clients saw succeed is stored.
  const stored = await fixtures.db.query(`SELECT count(*)::int AS n FROM situation_reports WHERE id = ANY($1::uuid[])`, [acknowledged]);
  expect(stored[0].n).toBe(acknowledged.length);
});
