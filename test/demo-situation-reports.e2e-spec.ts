import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DEMO_INCIDENT } from '../src/demo/demo-region.data.js';
import { DEMO_REPORTS } from '../src/demo/demo-situation-reports.js';
import { loadDemoRegion } from '../src/demo/seed-demo-region.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

/** In a rolled-back transaction, as the demo region's own test, so no other file sees the rows. */
it('gives the demo incident reports from several actors, versions, a RESTRICTED one, an overdue one and acknowledgements, once', async () => {
  const runner = hub.db.createQueryRunner();
  await runner.startTransaction();
  try {
    // Another file may have created an incident that took the demo's reference from the shared
    // counter; inside this rolled-back transaction it steps aside.
    await runner.query(`UPDATE incidents SET reference = left('X' || id::text, 20) WHERE reference = $1`, [DEMO_INCIDENT.reference]);
    await loadDemoRegion(runner.manager);
    await loadDemoRegion(runner.manager);
    const reports = await runner.query(
      `SELECT o.code, r.version, r.visibility, r.operational_status,
              (r.next_report_due_at < now() AND NOT EXISTS (SELECT 1 FROM situation_reports n WHERE n.incident_id = r.incident_id AND n.organisation_id = r.organisation_id AND n.version > r.version)) AS overdue,
              (SELECT count(*)::int FROM situation_report_acknowledgements a WHERE a.report_id = r.id) AS acks,
              (SELECT count(*)::int FROM situation_report_recipients rr WHERE rr.report_id = r.id) AS recipients,
              p.report_versions
         FROM situation_reports r JOIN incidents i ON i.id = r.incident_id JOIN organisations o ON o.id = r.organisation_id
         JOIN incident_participants p ON p.incident_id = r.incident_id AND p.organisation_id = r.organisation_id
        WHERE i.reference = $1 ORDER BY r.submitted_at`,
      [DEMO_INCIDENT.reference],
    );
    expect(reports).toHaveLength(DEMO_REPORTS.length);
    expect(new Set(reports.map((r: any) => r.code)).size).toBeGreaterThanOrEqual(5);
    expect(Math.max(...reports.map((r: any) => r.version))).toBeGreaterThanOrEqual(3);
    expect(reports.filter((r: any) => r.visibility === 'RESTRICTED').map((r: any) => r.recipients)).toEqual([2]);
    expect(reports.filter((r: any) => r.overdue).map((r: any) => r.code)).toEqual(['ELLEVIO']);
    expect(new Set(reports.map((r: any) => r.operational_status))).toEqual(new Set(['NORMAL', 'STRAINED', 'SEVERELY_STRAINED', 'CRITICAL']));
    expect(reports.reduce((n: number, r: any) => n + r.acks, 0)).toBeGreaterThanOrEqual(4);
    // The version counters continue where the demo left off: the next report is version n+1.
    for (const r of reports) expect(r.report_versions).toBeGreaterThanOrEqual(r.version);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
});
