import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { verifyInvariants } from '../src/verify/invariants.js';
import { createOrganisation, userSession } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { insertLogEntry, writeEntry } from './support/log-fixtures.js';
import { insertHolding, insertResourceType } from './support/resource-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
let holdingId: string;
let reportId: string;
let entryIds: string[];
let logIncidentId: string;
let writtenId: string;
beforeAll(async () => {
  hub = await startTestApp();
  // Rows of this file's own, so that the checks below never depend on what other suites wrote.
  const org = await createOrganisation(hub.db);
  const liaison = await userSession(hub, 'LIAISON_OFFICER', org.id);
  const incident = await insertIncident(hub.db, [org.id]);
  await submitReport(hub, liaison.headers, incident.id);
  reportId = (await submitReport(hub, liaison.headers, incident.id)).id;
  holdingId = await insertHolding(hub.db, org.id, await insertResourceType(hub.db), 10);
  logIncidentId = incident.id;
  entryIds = [await insertLogEntry(hub.db, incident.id, org.id), await insertLogEntry(hub.db, incident.id, org.id)];
  writtenId = (await writeEntry(hub, liaison.headers, { incidentId: incident.id, title: 'Skrivet', text: 'Som det skrevs' })).id;
});
afterAll(() => hub.close());

it('finds no violation in the test database that every suite before it has written to', async () => {
  expect(await verifyInvariants(hub.db)).toEqual([]);
});

/** Each corruption is made with the guarding triggers off, inside a transaction that is rolled back. */
async function inRolledBackTransaction(corrupt: string[]): Promise<Awaited<ReturnType<typeof verifyInvariants>>> {
  const runner = hub.db.createQueryRunner();
  await runner.startTransaction();
  try {
    for (const sql of corrupt) await runner.query(sql);
    return await verifyInvariants(runner.manager);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}

it('names a holding whose committed quantity does not follow its loans (invariant 1)', async () => {
  const found = await inRolledBackTransaction([`UPDATE resource_holdings SET quantity_committed = quantity_committed + 1 WHERE id = '${holdingId}'`]);
  expect(found).toEqual([expect.objectContaining({ invariant: 1, entity: `holding ${holdingId}` })]);
});

it('names a report version gap (invariant 4) and a broken audit chain (invariant 5)', async () => {
  const [e] = await hub.db.query(`SELECT sequence::int AS seq FROM audit_events ORDER BY sequence DESC LIMIT 1`);
  const found = await inRolledBackTransaction([
    `ALTER TABLE situation_reports DISABLE TRIGGER USER`,
    `UPDATE situation_reports SET version = version + 10 WHERE id = '${reportId}'`,
    `ALTER TABLE audit_events DISABLE TRIGGER USER`,
    `UPDATE audit_events SET details = coalesce(details, '') || ' ' WHERE sequence = ${e.seq}`,
  ]);
  expect(found).toEqual(expect.arrayContaining([expect.objectContaining({ invariant: 4, entity: `report ${reportId}` })]));
  expect(found).toEqual(expect.arrayContaining([expect.objectContaining({ invariant: 5, entity: `audit event ${e.seq}` })]));
});

it('names a log entry number gap, a counter that does not follow, and a status that is not its latest follow-up\'s (invariant 7)', async () => {
  const [first, second] = entryIds;
  const found = await inRolledBackTransaction([
    `ALTER TABLE log_entries DISABLE TRIGGER USER`,
    `UPDATE log_entries SET number = number + 10 WHERE id = '${second}'`,
    `INSERT INTO log_entry_updates (entry_id, incident_id, organisation_id, note, status)
       SELECT id, incident_id, organisation_id, 'Klart', 'DONE' FROM log_entries WHERE id = '${first}'`,
  ]);
  expect(found).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ invariant: 7, entity: `log entry ${second}` }),
      expect.objectContaining({ invariant: 7, entity: `incident ${logIncidentId}` }),
      expect.objectContaining({ invariant: 7, entity: `log entry ${first}`, message: 'status OPEN, latest follow-up says DONE' }),
    ]),
  );
});

it("names a log entry whose text differs from what its audit event recorded (invariant 7)", async () => {
  const found = await inRolledBackTransaction([
    `ALTER TABLE log_entries DISABLE TRIGGER USER`,
    `UPDATE log_entries SET text = 'Ändrat i efterhand' WHERE id = '${writtenId}'`,
  ]);
  expect(found).toEqual([expect.objectContaining({ invariant: 7, entity: `log entry ${writtenId}`, message: expect.stringContaining('audit') })]);
});
