import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { countStatements } from './support/count-statements.js';
import { createOrganisation, userSession } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
/** The same database through a hub whose picture caches are off (the bench's "cache off" rows). */
let uncachedHub: TestApp;
beforeAll(async () => {
  // One secret, so that a session opened on one hub is valid on the other.
  const JWT_SECRET = 'operational-picture-test-secret-of-32-chars';
  hub = await startTestApp({ JWT_SECRET });
  uncachedHub = await startTestApp({ JWT_SECRET, PICTURE_CACHE_ROWS: '0' });
});
afterAll(async () => {
  await uncachedHub.close();
  await hub.close();
});

const PICTURE = `query ($id: ID!) { operationalPicture(incidentId: $id) {
  generatedAt notReportedCount statusCounts { status count }
  incident { id reference participants { lead organisation { id name } } }
  participants {
    organisation { id code }
    operationalStatus reportOverdue
    latestReport {
      id version latest situation visibility submittedAt nextReportDueAt
      organisation { id } author { id displayName } incident { id }
      supersedes { id version organisation { id } }
      recipients { id name }
      acknowledgements { organisation { id } acknowledgedBy { id } acknowledgedAt }
      pendingAcknowledgements { id }
    }
  }
} }`;

/** Scenario 1 of `npm run bench` (PICTURE in bench/run.mjs), verbatim. */
const BENCH_PICTURE = `query Picture($id: ID!) { operationalPicture(incidentId: $id) {
  notReportedCount statusCounts { status count }
  incident { id reference title status }
  participants {
    organisation { id code name } operationalStatus reportOverdue
    latestReport { id version latest situation visibility submittedAt nextReportDueAt
      author { id displayName } recipients { id } acknowledgements { organisation { id } acknowledgedAt } }
  }
  openResourceRequests { id quantityRequested quantityFilled priority status }
  activeCommunicationLinks { id name channel address }
} }`;

/**
 * An incident with `n` participants, each with two report versions written straight to the
 * database (every third one RESTRICTED to the viewer's organisation, every fourth organisation
 * without any report) and an acknowledgement on each second version.
 */
async function incidentWith(n: number, viewerOrgId: string, authorId: string) {
  const orgs = [viewerOrgId];
  for (let i = 1; i < n; i++) orgs.push((await createOrganisation(hub.db)).id);
  const incident = await insertIncident(hub.db, orgs);
  for (let i = 1; i < n; i++) {
    if (i % 4 === 0) continue;
    let previous: string | null = null;
    for (const version of [1, 2]) {
      const restricted = version === 2 && i % 3 === 0;
      const [row]: { id: string }[] = await hub.db.query(
        `INSERT INTO situation_reports (incident_id, organisation_id, author_user_id, version, supersedes_id, operational_status, situation, visibility, next_report_due_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'Läget', $7, now() + interval '1 hour') RETURNING id`,
        [incident.id, orgs[i], authorId, version, previous, ['NORMAL', 'STRAINED', 'SEVERELY_STRAINED', 'CRITICAL'][i % 4], restricted ? 'RESTRICTED' : 'ALL_PARTICIPANTS'],
      );
      if (restricted) await hub.db.query(`INSERT INTO situation_report_recipients (report_id, incident_id, organisation_id) VALUES ($1, $2, $3)`, [row.id, incident.id, viewerOrgId]);
      if (version === 2) await hub.db.query(`INSERT INTO situation_report_acknowledgements (report_id, organisation_id, acknowledged_by_user_id) VALUES ($1, $2, $3)`, [row.id, viewerOrgId, authorId]);
      previous = row.id;
    }
  }
  return incident;
}

describe('operationalPicture', () => {
  it('has one line per participant with its newest visible report, overdue flags, counts per status and the not-reported count', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const b = await userSession(hub, 'LIAISON_OFFICER');
    const c = await userSession(hub, 'VIEWER');
    const d = await createOrganisation(hub.db);
    const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId, c.organisationId, d.id]);
    await submitReport(hub, a.headers, incident.id, { operationalStatus: 'STRAINED', nextReportDueAt: new Date(Date.now() + 3_600_000).toISOString() });
    const due = await submitReport(hub, b.headers, incident.id, { operationalStatus: 'CRITICAL', nextReportDueAt: new Date(Date.now() + 1500).toISOString() });
    await submitReport(hub, a.headers, incident.id, { operationalStatus: 'SEVERELY_STRAINED', visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId] });
    await new Promise((r) => setTimeout(r, 1600));

    const res = await hub.gql(PICTURE, { id: incident.id }, c.headers);
    expect(res.body.errors).toBeUndefined();
    const pic = res.body.data!.operationalPicture;
    const line = (org: string) => pic.participants.find((l: any) => l.organisation.id === org);
    // The lead first, then by joining time (here the same) and id.
    expect(pic.participants.map((l: any) => l.organisation.id)).toEqual([a.organisationId, ...[b.organisationId, c.organisationId, d.id].sort()]);
    // C may not read A's RESTRICTED version 2: it sees version 1, not overdue (a newer report exists).
    expect(line(a.organisationId)).toMatchObject({ operationalStatus: 'STRAINED', reportOverdue: false, latestReport: { version: 1, latest: false } });
    expect(line(b.organisationId)).toMatchObject({ operationalStatus: 'CRITICAL', reportOverdue: true, latestReport: { id: due.id } });
    expect(line(c.organisationId)).toEqual(expect.objectContaining({ operationalStatus: null, reportOverdue: false, latestReport: null }));
    expect(pic.statusCounts).toEqual([
      { status: 'NORMAL', count: 0 },
      { status: 'STRAINED', count: 1 },
      { status: 'SEVERELY_STRAINED', count: 0 },
      { status: 'CRITICAL', count: 1 },
    ]);
    expect(pic.notReportedCount).toBe(2);
    expect(pic.incident).toMatchObject({ id: incident.id, reference: incident.reference });

    // B, the recipient, sees A's newest report.
    const forB = (await hub.gql(PICTURE, { id: incident.id }, b.headers)).body.data!.operationalPicture;
    expect(forB.participants[0]).toMatchObject({ operationalStatus: 'SEVERELY_STRAINED', latestReport: { version: 2, latest: true, recipients: [{ id: b.organisationId }] } });
    expect(forB.statusCounts.find((s: any) => s.status === 'SEVERELY_STRAINED').count).toBe(1);
  });

  it('costs the same fixed number of SQL statements for 5 and for 40 participants', async () => {
    const viewer = await userSession(hub, 'LIAISON_OFFICER');
    const small = await incidentWith(5, viewer.organisationId, viewer.id);
    const large = await incidentWith(40, viewer.organisationId, viewer.id);

    // Warm up (first-request work such as prepared caches must not be counted; the participants'
    // organisations are then known under the directory stamp), then count, on the hub without
    // the picture's cache: every read is as after a change of the incident.
    await uncachedHub.gql(PICTURE, { id: small.id }, viewer.headers);
    await uncachedHub.gql(PICTURE, { id: large.id }, viewer.headers);
    let smallResult: any;
    let largeResult: any;
    const forSmall = await countStatements(uncachedHub, async () => (smallResult = await uncachedHub.gql(PICTURE, { id: small.id }, viewer.headers)));
    const forLarge = await countStatements(uncachedHub, async () => (largeResult = await uncachedHub.gql(PICTURE, { id: large.id }, viewer.headers)));
    expect(smallResult.body.errors).toBeUndefined();
    expect(largeResult.body.errors).toBeUndefined();
    expect(largeResult.body.data.operationalPicture.participants).toHaveLength(40);
    const reported = largeResult.body.data.operationalPicture.participants.filter((l: any) => l.latestReport);
    expect(reported.length).toBe(30);
    expect(reported.every((l: any) => l.latestReport.version === 2 && l.latestReport.supersedes.version === 1 && l.latestReport.acknowledgements.length === 1)).toBe(true);

    // 4 statements, whatever the number of participants (the caller's authentication is the
    // principal cache's, warm since the warm-up): the picture (the incident row with the access check, the participants, each one's newest
    // readable report with its acknowledgements; the lines' organisations and authors come
    // from their own features, unchanged under the directory stamp the picture read; all prime
    // the request's loaders: incident.participants, the organisations of lines, recipients and
    // acknowledgements, authors and acknowledgers here send nothing); then one batch per
    // DataLoader that is left: the access check of the superseded reports (report.read,
    // AccessService), those reports, and pending acknowledgements.
    // No statement is sent twice (no query per row).
    expect(forSmall.count).toBe(4);
    expect(forLarge.count).toBe(4);
    expect(new Set(forLarge.statements).size).toBe(forLarge.statements.length);
  });

  it("costs 3 SQL statements for bench scenario 1's document after a change, 1 from the cache, and reads other features' tables only through them", async () => {
    const viewer = await userSession(hub, 'LIAISON_OFFICER');
    const warmUp = await incidentWith(2, viewer.organisationId, viewer.id);
    const small = await incidentWith(5, viewer.organisationId, viewer.id);
    const large = await incidentWith(40, viewer.organisationId, viewer.id);
    await hub.gql(BENCH_PICTURE, { id: warmUp.id }, viewer.headers);
    let firstResult: any;
    let cachedResult: any;
    // The first picture of organisations this hub has not read under the directory stamp.
    const first = await countStatements(hub, async () => (firstResult = await hub.gql(BENCH_PICTURE, { id: large.id }, viewer.headers)));
    const fromCache = await countStatements(hub, async () => (cachedResult = await hub.gql(BENCH_PICTURE, { id: large.id }, viewer.headers)));
    expect(firstResult.body.errors).toBeUndefined();
    const lines = firstResult.body.data.operationalPicture.participants;
    expect(lines).toHaveLength(40);
    const reported = lines.filter((l: any) => l.latestReport);
    expect(reported).toHaveLength(30);
    expect(reported.every((l: any) => l.latestReport.author.id === viewer.id && l.latestReport.acknowledgements[0].organisation.id === viewer.organisationId)).toBe(true);
    expect(reported.filter((l: any) => l.latestReport.visibility === 'RESTRICTED').every((l: any) => l.latestReport.recipients[0].id === viewer.organisationId)).toBe(true);
    // The picture, the organisations (their own feature's loader, one batch),
    // the open resource requests and the active links; the author was read for the warm-up.
    // The picture's statement reads no other feature's table. (Authentication is the principal
    // cache's, warm since the warm-up.)
    expect(first.count).toBe(4);
    const picture = first.statements.filter((s) => s.includes('incident_participants ip'));
    expect(picture).toHaveLength(1);
    expect(picture[0]).not.toMatch(/\b(organisations|users)\b/);
    expect(first.statements.filter((s) => /\bFROM organisations WHERE id = ANY\b/.test(s))).toHaveLength(1);
    expect(first.statements.filter((s) => /\bFROM users WHERE id = ANY\b/.test(s))).toHaveLength(0);
    // Unchanged since: the access check with the change stamps.
    expect(cachedResult.body).toEqual(firstResult.body);
    expect(fromCache.count).toBe(1);

    // The cache off, as after every change of an incident: the picture, the
    // open resource requests and the active links, for 5 and for 40 participants; the
    // organisations and the author are the directory's, unchanged under its stamp.
    for (const incident of [warmUp, small, large]) await uncachedHub.gql(BENCH_PICTURE, { id: incident.id }, viewer.headers);
    let smallResult: any;
    let largeResult: any;
    const forSmall = await countStatements(uncachedHub, async () => (smallResult = await uncachedHub.gql(BENCH_PICTURE, { id: small.id }, viewer.headers)));
    const forLarge = await countStatements(uncachedHub, async () => (largeResult = await uncachedHub.gql(BENCH_PICTURE, { id: large.id }, viewer.headers)));
    expect(smallResult.body.errors).toBeUndefined();
    expect(largeResult.body).toEqual(firstResult.body);
    expect(forSmall.count).toBe(3);
    expect(forLarge.count).toBe(3);

    // After a change of the directory, its records are read again (one batch each) and shown.
    await hub.db.query(`UPDATE organisations SET name = 'Omdöpt' WHERE id = $1`, [lines[5].organisation.id]);
    let renamedResult: any;
    const renamed = await countStatements(uncachedHub, async () => (renamedResult = await uncachedHub.gql(BENCH_PICTURE, { id: large.id }, viewer.headers)));
    expect(renamedResult.body.data.operationalPicture.participants[5].organisation.name).toBe('Omdöpt');
    expect(renamed.count).toBe(5);
  });
});

