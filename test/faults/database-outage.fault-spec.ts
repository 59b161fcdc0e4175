import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { runMigrations } from '../../src/database/migrations-runner.js';
import { verifyInvariants } from '../../src/verify/invariants.js';
import { createApiKey, createOrganisation } from '../support/factories.js';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { insertIncident, SUBMIT_REPORT } from '../support/incident-fixtures.js';
import { gqlCall, LoadRun } from './load.js';

let dir: string;
let port: number;
let pg: EmbeddedDatabase;
let db: DataSource;
let hub: HubProcess | undefined;

const startPg = () => startEmbeddedPostgres({ dir: join(dir, 'data'), port, persistent: true });

beforeAll(async () => {
  // A PostgreSQL of this test's own, which it can stop and start again.
  dir = await mkdtemp(join(tmpdir(), 'hub-outage-'));
  await chmod(dir, 0o755);
  port = await freePort();
  pg = await startPg();
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: pg.url });
  await runMigrations(config);
  db = new DataSource(dataSourceOptions(config, { poolSize: 2 }));
  await db.initialize();
});

afterAll(async () => {
  if (hub && hub.child.exitCode === null) hub.child.kill('SIGKILL');
  await db?.destroy().catch(() => undefined);
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function readyWithin(url: string, ms: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

it('under steady load: clear errors (no hangs) while the database is down, ready within 10 s of it coming back, nothing acknowledged lost', async () => {
  const orgs = await Promise.all([1, 2, 3, 4].map(() => createOrganisation(db)));
  const incident = await insertIncident(db, orgs.map((o) => o.id));
  const keys = await Promise.all(orgs.map((o) => createApiKey(db, o.id, ['REPORTS_WRITE', 'REPORTS_READ'])));
  hub = await startHubProcess({ DATABASE_URL: pg.url, DATABASE_CONNECT_TIMEOUT_MS: '1000', RATE_LIMIT_PER_MINUTE: '100000' });

  const acknowledged: string[] = [];
  const load = new LoadRun();
  load.start(8, async (client, i) => {
    const { outcome, data } = await gqlCall(
      hub!.url,
      SUBMIT_REPORT,
      { input: { incidentId: incident.id, operationalStatus: 'STRAINED', situation: `Klient ${client}, rapport ${i}`, visibility: 'ALL_PARTICIPANTS' } },
      keys[client % keys.length].headers,
    );
    if (data?.submitSituationReport) acknowledged.push(data.submitSituationReport.id);
    return outcome;
  }, 20);

  await new Promise((r) => setTimeout(r, 1500));
  const beforeOutage = acknowledged.length;
  expect(beforeOutage).toBeGreaterThan(5);

  await pg.stop();
  const downAt = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  expect((await fetch(`${hub.url}/health/ready`)).status).toBe(503);
  const duringOutage = load.outcomes.filter((o) => o.startedAt > downAt + 200 && o.startedAt < downAt + 3000);
  expect(duringOutage.length).toBeGreaterThan(5);
  for (const o of duringOutage) {
    expect(o.kind).toBe('graphql-error'); // an answer, not a dropped connection nor a 5xx
    expect(o.code).toBe('INTERNAL_SERVER_ERROR');
    expect(o.ms).toBeLessThan(5000); // not a hang
  }

  pg = await startPg();
  const recovered = await readyWithin(hub.url, 10000);
  expect(recovered).not.toBeNull();
  const backAt = Date.now();
  await new Promise((r) => setTimeout(r, 1500));
  await load.stop();
  expect(load.outcomes.filter((o) => o.startedAt > backAt && o.kind === 'ok').length).toBeGreaterThan(0);
  expect(load.outcomes.filter((o) => o.kind === 'http-error')).toEqual([]);
  expect(hub.child.exitCode).toBeNull(); // no restart was needed

  // Everything the hub acknowledged, before and after the outage, is there; the invariants hold.
  const stored: { id: string }[] = await db.query(`SELECT id FROM situation_reports WHERE id = ANY($1::uuid[])`, [acknowledged]);
  expect(stored.length).toBe(acknowledged.length);
  expect(await verifyInvariants(db)).toEqual([]);
});
