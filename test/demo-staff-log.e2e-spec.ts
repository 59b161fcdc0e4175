import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DEMO_INCIDENT } from '../src/demo/demo-region.data.js';
import { loadDemoRegion } from '../src/demo/seed-demo-region.js';
import { verifyInvariants } from '../src/verify/invariants.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

/** In a rolled-back transaction, as the other demo tests, so no other file sees the rows. */
it('gives the demo incident a staff log to work from: needs, questions, a decision, actions with owners (some overdue), a closed stabsmöte and a planned samverkanskonferens, once', async () => {
  const runner = hub.db.createQueryRunner();
  await runner.startTransaction();
  try {
    await runner.query(`UPDATE incidents SET reference = left('X' || id::text, 20) WHERE reference = $1`, [DEMO_INCIDENT.reference]);
    await loadDemoRegion(runner.manager);
    await loadDemoRegion(runner.manager);
    const entries = await runner.query(
      `SELECT e.number, e.kind, e.status, e.visibility, o.code AS org, e.meeting_id IS NOT NULL AS in_meeting,
              (e.status IN ('OPEN','IN_PROGRESS') AND e.due_at < now()) AS overdue,
              (SELECT count(*)::int FROM log_entry_updates u WHERE u.entry_id = e.id) AS follow_ups
         FROM log_entries e JOIN incidents i ON i.id = e.incident_id JOIN organisations o ON o.id = e.organisation_id
        WHERE i.reference = $1 ORDER BY e.number`,
      [DEMO_INCIDENT.reference],
    );
    expect(entries.map((e: any) => e.number)).toEqual(entries.map((_: unknown, i: number) => i + 1));
    expect(new Set(entries.map((e: any) => e.kind))).toEqual(new Set(['INFORMATION', 'NEED', 'QUESTION', 'DECISION', 'ACTION']));
    expect(new Set(entries.map((e: any) => e.visibility))).toEqual(new Set(['ALL_PARTICIPANTS', 'RESTRICTED', 'INTERNAL']));
    expect(entries.filter((e: any) => e.overdue).length).toBeGreaterThanOrEqual(2);
    expect(entries.filter((e: any) => e.in_meeting).map((e: any) => e.kind)).toEqual(['DECISION', 'ACTION', 'ACTION']);
    expect(entries.reduce((n: number, e: any) => n + e.follow_ups, 0)).toBeGreaterThanOrEqual(2);
    expect(new Set(entries.map((e: any) => e.org)).size).toBeGreaterThanOrEqual(4);

    const meetings = await runner.query(
      `SELECT m.kind, m.status, m.starts_at > now() AS ahead FROM meetings m JOIN incidents i ON i.id = m.incident_id WHERE i.reference = $1 ORDER BY m.starts_at`,
      [DEMO_INCIDENT.reference],
    );
    expect(meetings).toEqual([
      { kind: 'STAFF_MEETING', status: 'CLOSED', ahead: false },
      { kind: 'COORDINATION_CONFERENCE', status: 'PLANNED', ahead: true },
    ]);
    // Invariant 7 (numbers, counter, statuses after follow-ups) holds for the demo data too.
    expect((await verifyInvariants(runner.manager)).filter((v) => v.invariant === 7)).toEqual([]);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
});
