import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createOrganisation, userSession, type Session, type TestUser } from './support/factories.js';
import { insertIncident, submitReport, SUBMIT_REPORT } from './support/incident-fixtures.js';
import { countStatements } from './support/count-statements.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

type Principal = TestUser & Session;

const REPORT = `query ($id: ID!) { situationReport(id: $id) { id version latest visibility situation organisation { id } author { id }
  recipients { id } incident { id } supersedes { id version } } }`;
const INCIDENT_REPORTS = `query ($id: ID!, $org: ID, $first: Int, $after: String) { incident(id: $id) {
  situationReports(organisationId: $org, first: $first, after: $after) { totalCount nodes { id version } pageInfo { hasNextPage endCursor } } } }`;
const PICTURE = `query ($id: ID!) { operationalPicture(incidentId: $id) { participants { organisation { id } latestReport { id version } operationalStatus } } }`;

/** An incident with three participating organisations (a liaison officer each) and an outsider. */
async function world() {
  const a = await userSession(hub, 'LIAISON_OFFICER');
  const b = await userSession(hub, 'LIAISON_OFFICER');
  const c = await userSession(hub, 'LIAISON_OFFICER');
  const outsider = await userSession(hub, 'LIAISON_OFFICER');
  const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId, c.organisationId]);
  return { a, b, c, outsider, incident };
}

function ack(id: string, who: Principal) {
  return hub.gql(
    `mutation ($id: ID!) { acknowledgeSituationReport(id: $id) { id acknowledgements { organisation { id } acknowledgedBy { id } acknowledgedAt } pendingAcknowledgements { id } } }`,
    { id },
    who.headers,
  );
}

describe('submitSituationReport', () => {
  it('30 concurrent submits by one organisation produce versions 1–30 exactly, each superseding the one before', async () => {
    const { a, incident } = await world();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => hub.gql(SUBMIT_REPORT, { input: { incidentId: incident.id, operationalStatus: 'STRAINED', situation: `Rapport ${i}`, visibility: 'ALL_PARTICIPANTS' } }, a.headers)));
    for (const r of results) expect(r.body.errors).toBeUndefined();
    const versions = results.map((r) => r.body.data!.submitSituationReport.version).sort((x: number, y: number) => x - y);
    expect(versions).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const rows = await hub.db.query(
      `SELECT r.version, p.version AS supersedes FROM situation_reports r LEFT JOIN situation_reports p ON p.id = r.supersedes_id WHERE r.incident_id = $1 ORDER BY r.version`,
      [incident.id],
    );
    expect(rows).toEqual(Array.from({ length: 30 }, (_, i) => ({ version: i + 1, supersedes: i === 0 ? null : i })));
    const page = await hub.gql(INCIDENT_REPORTS, { id: incident.id, first: 100 }, a.headers);
    const latest = await Promise.all(page.body.data!.incident.situationReports.nodes.map((n: any) => hub.gql(`query ($id: ID!) { situationReport(id: $id) { version latest } }`, { id: n.id }, a.headers)));
    expect(latest.filter((r) => r.body.data!.situationReport.latest).map((r) => r.body.data!.situationReport.version)).toEqual([30]);
  });

  it('costs 9 statements with an Idempotency-Key, as the bench submits it', async () => {
    const { a, incident } = await world();
    const submit = `mutation ($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { id version operationalStatus visibility submittedAt } }`;
    const input = { incidentId: incident.id, operationalStatus: 'STRAINED', situation: 'Läget', visibility: 'ALL_PARTICIPANTS' };
    let submitted: unknown;
    const { count, statements } = await countStatements(hub, async () => {
      submitted = (await hub.gql(submit, { input }, { ...a.headers, 'idempotency-key': 'statements-1' })).body.data?.submitSituationReport;
    });
    expect(submitted).toMatchObject({ version: 1, operationalStatus: 'STRAINED' });
    // The caller's authentication, BEGIN, the key's claim (inside the transaction: it commits
    // with the report), the access check with its share lock and the version counter in one,
    // the report, its webhook and e-mail deliveries (the outbox, one statement for both channels: in the transaction, so that they commit
    // with the report or not at all), its audit event, COMMIT, the stored response.
    expect({ count, statements: statements.map((q) => q.trim().split(/\s+/).slice(0, 2).join(' ')) }).toEqual({
      count: 9,
      statements: ['SELECT u.id,', 'START TRANSACTION', 'INSERT INTO', 'WITH inc', 'WITH r', 'WITH ev', 'WITH RECURSIVE', 'COMMIT', 'UPDATE idempotency_keys'],
    });
  });

  it('versions count per organisation, and a failed submit leaves no gap', async () => {
    const { a, b, outsider, incident } = await world();
    expect((await submitReport(hub, a.headers, incident.id)).version).toBe(1);
    const bad = await hub.gql(SUBMIT_REPORT, { input: { incidentId: incident.id, operationalStatus: 'NORMAL', situation: 'x', visibility: 'RESTRICTED', recipientOrganisationIds: [outsider.organisationId] } }, a.headers);
    expect(bad.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors?.[0].extensions.validationErrors[0].field).toBe('input.recipientOrganisationIds');
    expect((await submitReport(hub, b.headers, incident.id)).version).toBe(1);
    const second = await submitReport(hub, a.headers, incident.id);
    expect(second.version).toBe(2);
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM situation_reports WHERE incident_id = $1`, [incident.id]);
    expect(n).toBe(3);
  });

  it('refuses RESTRICTED without recipients, recipients on ALL_PARTICIPANTS, over-long text and a due time in the past', async () => {
    const { a, b, incident } = await world();
    const base = { incidentId: incident.id, operationalStatus: 'NORMAL', situation: 'x' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, visibility: 'RESTRICTED' }, 'input.recipientOrganisationIds'],
      [{ ...base, visibility: 'RESTRICTED', recipientOrganisationIds: [a.organisationId] }, 'input.recipientOrganisationIds'],
      [{ ...base, visibility: 'ALL_PARTICIPANTS', recipientOrganisationIds: [b.organisationId] }, 'input.recipientOrganisationIds'],
      [{ ...base, visibility: 'ALL_PARTICIPANTS', situation: 'x'.repeat(10001) }, 'input.situation'],
      [{ ...base, visibility: 'ALL_PARTICIPANTS', needs: 'x'.repeat(5001) }, 'input.needs'],
      [{ ...base, visibility: 'ALL_PARTICIPANTS', nextReportDueAt: new Date(Date.now() - 60_000).toISOString() }, 'input.nextReportDueAt'],
    ];
    for (const [input, field] of cases) {
      const res = await hub.gql(SUBMIT_REPORT, { input }, a.headers);
      expect(res.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0].extensions.validationErrors.map((e: any) => e.field)).toContain(field);
    }
    expect(await hub.db.query(`SELECT 1 FROM situation_reports WHERE incident_id = $1`, [incident.id])).toEqual([]);
  });

  it('only participants report: an outsider gets NOT_FOUND, a coordinator of a non-participant FORBIDDEN, a VIEWER FORBIDDEN', async () => {
    const { a, outsider, incident } = await world();
    const input = { incidentId: incident.id, operationalStatus: 'NORMAL', situation: 'x', visibility: 'ALL_PARTICIPANTS' };
    expect((await hub.gql(SUBMIT_REPORT, { input }, outsider.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const coordinator = await userSession(hub, 'COORDINATOR');
    expect((await hub.gql(SUBMIT_REPORT, { input }, coordinator.headers)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const viewer = await userSession(hub, 'VIEWER', a.organisationId);
    expect((await hub.gql(SUBMIT_REPORT, { input }, viewer.headers)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(await hub.db.query(`SELECT 1 FROM situation_reports WHERE incident_id = $1`, [incident.id])).toEqual([]);
  });

  it('an API key with REPORTS_WRITE reports for its organisation, without an author', async () => {
    const { a, incident } = await world();
    const key = await createApiKey(hub.db, a.organisationId, ['REPORTS_WRITE', 'REPORTS_READ']);
    const res = await hub.gql(SUBMIT_REPORT, { input: { incidentId: incident.id, operationalStatus: 'CRITICAL', situation: 'Från systemet', visibility: 'ALL_PARTICIPANTS' } }, key.headers);
    expect(res.body.errors).toBeUndefined();
    const read = await hub.gql(REPORT, { id: res.body.data!.submitSituationReport.id }, a.headers);
    expect(read.body.data?.situationReport).toMatchObject({ version: 1, organisation: { id: a.organisationId }, author: null });
    const readOnly = await createApiKey(hub.db, a.organisationId, ['REPORTS_READ']);
    const refused = await hub.gql(SUBMIT_REPORT, { input: { incidentId: incident.id, operationalStatus: 'CRITICAL', situation: 'x', visibility: 'ALL_PARTICIPANTS' } }, readOnly.headers);
    expect(refused.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('nothing is added to a CLOSED incident: submit and acknowledge are CONFLICT INCIDENT_CLOSED', async () => {
    const { a, b, incident } = await world();
    const report = await submitReport(hub, a.headers, incident.id);
    await hub.db.query(`UPDATE incidents SET status = 'CLOSED', closed_at = now() WHERE id = $1`, [incident.id]);
    const submit = await hub.gql(SUBMIT_REPORT, { input: { incidentId: incident.id, operationalStatus: 'NORMAL', situation: 'x', visibility: 'ALL_PARTICIPANTS' } }, a.headers);
    expect(submit.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INCIDENT_CLOSED' });
    expect((await ack(report.id, b)).body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INCIDENT_CLOSED' });
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM situation_reports WHERE incident_id = $1`, [incident.id]);
    expect(n).toBe(1);
    expect(await hub.db.query(`SELECT 1 FROM situation_report_acknowledgements WHERE report_id = $1`, [report.id])).toEqual([]);
  });

  it('reports are immutable: the database refuses to change or delete one', async () => {
    const { a, incident } = await world();
    const report = await submitReport(hub, a.headers, incident.id);
    await expect(hub.db.query(`UPDATE situation_reports SET situation = 'ändrad' WHERE id = $1`, [report.id])).rejects.toThrow(/immutable/);
    await expect(hub.db.query(`DELETE FROM situation_reports WHERE id = $1`, [report.id])).rejects.toThrow(/immutable/);
  });
});

describe('reading reports: RESTRICTED reaches only its author, its recipients and ADMIN', () => {
  it('through situationReport, incident.situationReports and operationalPicture alike', async () => {
    const { a, b, c, outsider, incident } = await world();
    const admin = await userSession(hub, 'ADMIN');
    const coordinator = await userSession(hub, 'COORDINATOR');
    const open = await submitReport(hub, a.headers, incident.id, { operationalStatus: 'STRAINED' });
    const restricted = await submitReport(hub, a.headers, incident.id, { operationalStatus: 'CRITICAL', visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId], situation: 'Hemligt' });
    expect(restricted.version).toBe(2);

    // situationReport
    for (const who of [a, b, admin]) {
      const res = await hub.gql(REPORT, { id: restricted.id }, who.headers);
      expect(res.body.data?.situationReport).toMatchObject({ id: restricted.id, situation: 'Hemligt', recipients: [{ id: b.organisationId }], supersedes: { id: open.id, version: 1 } });
    }
    for (const who of [c, coordinator, outsider]) {
      const res = await hub.gql(REPORT, { id: restricted.id }, who.headers);
      expect(res.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect(JSON.stringify(res.body)).not.toContain('Hemligt');
    }
    // the open report: every participant and the coordinator; the outsider NOT_FOUND
    expect((await hub.gql(REPORT, { id: open.id }, c.headers)).body.data?.situationReport.latest).toBe(false);
    expect((await hub.gql(REPORT, { id: open.id }, coordinator.headers)).body.data?.situationReport.id).toBe(open.id);
    expect((await hub.gql(REPORT, { id: open.id }, outsider.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');

    // incident.situationReports
    const listed = async (who: Principal) => (await hub.gql(INCIDENT_REPORTS, { id: incident.id }, who.headers)).body.data?.incident.situationReports;
    expect((await listed(b)).nodes.map((n: any) => n.id)).toEqual([restricted.id, open.id]);
    expect(await listed(c)).toMatchObject({ totalCount: 1, nodes: [{ id: open.id }] });
    expect((await listed(coordinator)).nodes.map((n: any) => n.id)).toEqual([open.id]);
    expect((await listed(admin)).totalCount).toBe(2);
    expect((await hub.gql(INCIDENT_REPORTS, { id: incident.id }, outsider.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');

    // operationalPicture: the newest report each viewer may read
    const lineOf = async (who: Principal) =>
      (await hub.gql(PICTURE, { id: incident.id }, who.headers)).body.data?.operationalPicture.participants.find((l: any) => l.organisation.id === a.organisationId);
    expect(await lineOf(b)).toMatchObject({ latestReport: { id: restricted.id, version: 2 }, operationalStatus: 'CRITICAL' });
    expect(await lineOf(c)).toMatchObject({ latestReport: { id: open.id, version: 1 }, operationalStatus: 'STRAINED' });
    expect(await lineOf(coordinator)).toMatchObject({ latestReport: { id: open.id } });
    expect((await hub.gql(PICTURE, { id: incident.id }, outsider.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('supersedes is null when the previous version is RESTRICTED to others', async () => {
    const { a, b, c, incident } = await world();
    await submitReport(hub, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId] });
    const v2 = await submitReport(hub, a.headers, incident.id);
    const res = await hub.gql(REPORT, { id: v2.id }, c.headers);
    expect(res.body.data?.situationReport).toMatchObject({ version: 2, latest: true, supersedes: null });
    expect((await hub.gql(REPORT, { id: v2.id }, b.headers)).body.data?.situationReport.supersedes.version).toBe(1);
  });

  it('pages an incident’s reports newest first and filters by organisation', async () => {
    const { a, b, incident } = await world();
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await submitReport(hub, a.headers, incident.id)).id);
    await submitReport(hub, b.headers, incident.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await hub.gql(INCIDENT_REPORTS, { id: incident.id, org: a.organisationId, first: 2, after }, b.headers);
      const c = res.body.data.incident.situationReports;
      expect(c.totalCount).toBe(5);
      seen.push(...c.nodes.map((n: any) => n.id));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toEqual([...mine].reverse());
  });

  it('an API key needs REPORTS_READ for reports, INCIDENTS_READ for the incident', async () => {
    const { a, incident } = await world();
    const report = await submitReport(hub, a.headers, incident.id);
    const incidentsOnly = await createApiKey(hub.db, a.organisationId, ['INCIDENTS_READ']);
    expect((await hub.gql(REPORT, { id: report.id }, incidentsOnly.headers)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const nested = await hub.gql(INCIDENT_REPORTS, { id: incident.id }, incidentsOnly.headers);
    expect(nested.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const both = await createApiKey(hub.db, a.organisationId, ['INCIDENTS_READ', 'REPORTS_READ']);
    expect((await hub.gql(INCIDENT_REPORTS, { id: incident.id }, both.headers)).body.data?.incident.situationReports.totalCount).toBe(1);
  });

  it("shows an author's name and organisation to every reader, the e-mail address only to the same organisation, COORDINATOR and ADMIN", async () => {
    const { a, b, incident } = await world();
    const report = await submitReport(hub, a.headers, incident.id);
    await hub.gql(`mutation ($id: ID!) { acknowledgeSituationReport(id: $id) { id } }`, { id: report.id }, b.headers);
    const AUTHOR = `query ($id: ID!) { situationReport(id: $id) { author { displayName organisation { id } } acknowledgements { acknowledgedBy { displayName } } } }`;
    const EMAILS = `query ($id: ID!) { situationReport(id: $id) { author { email } acknowledgements { acknowledgedBy { email } } } }`;
    const colleague = await userSession(hub, 'VIEWER', a.organisationId);
    const coordinator = await userSession(hub, 'COORDINATOR');
    const admin = await userSession(hub, 'ADMIN');
    const ownKey = await createApiKey(hub.db, a.organisationId, ['REPORTS_READ']);
    const otherKey = await createApiKey(hub.db, b.organisationId, ['REPORTS_READ']);

    const names = await hub.gql(AUTHOR, { id: report.id }, b.headers);
    expect(names.body.errors).toBeUndefined();
    expect(names.body.data!.situationReport).toEqual({
      author: { displayName: 'Test LIAISON_OFFICER', organisation: { id: a.organisationId } },
      acknowledgements: [{ acknowledgedBy: { displayName: 'Test LIAISON_OFFICER' } }],
    });

    const emailOf = async (headers: Record<string, string>) => {
      const res = await hub.gql(EMAILS, { id: report.id }, headers);
      return { author: res.body.data?.situationReport.author?.email ?? res.body.errors?.find((e) => e.path?.includes('author'))?.extensions.code };
    };
    expect(await emailOf(colleague.headers)).toEqual({ author: a.email });
    expect(await emailOf(ownKey.headers)).toEqual({ author: a.email });
    expect(await emailOf(coordinator.headers)).toEqual({ author: a.email });
    expect(await emailOf(admin.headers)).toEqual({ author: a.email });
    expect(await emailOf(b.headers)).toEqual({ author: 'FORBIDDEN' });
    expect(await emailOf(otherKey.headers)).toEqual({ author: 'FORBIDDEN' });
    // The acknowledger's address is for its own organisation (b), not for the author's (a).
    const ACK_EMAIL = `query ($id: ID!) { situationReport(id: $id) { acknowledgements { acknowledgedBy { email } } } }`;
    const forA = await hub.gql(ACK_EMAIL, { id: report.id }, a.headers);
    expect(forA.body.errors?.map((e) => [e.path?.join('.'), e.extensions.code])).toEqual([['situationReport.acknowledgements.0.acknowledgedBy.email', 'FORBIDDEN']]);
    const forB = await hub.gql(ACK_EMAIL, { id: report.id }, b.headers);
    expect(forB.body.data!.situationReport.acknowledgements).toEqual([{ acknowledgedBy: { email: b.email } }]);
  });
});

describe('acknowledgeSituationReport', () => {
  it('the organisations addressed acknowledge; pendingAcknowledgements lists the rest', async () => {
    const { a, b, c, incident } = await world();
    const report = await submitReport(hub, a.headers, incident.id);
    const first = await ack(report.id, b);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data?.acknowledgeSituationReport.acknowledgements).toEqual([{ organisation: { id: b.organisationId }, acknowledgedBy: { id: b.id }, acknowledgedAt: expect.any(String) }]);
    expect(first.body.data?.acknowledgeSituationReport.pendingAcknowledgements).toEqual([{ id: c.organisationId }]);
    // again: nothing changes
    const again = await ack(report.id, b);
    expect(again.body.data?.acknowledgeSituationReport.acknowledgements).toHaveLength(1);
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'situationReport.acknowledge' AND entity_id = $1`, [report.id]);
    expect(n).toBe(1);
    expect((await ack(report.id, c)).body.data?.acknowledgeSituationReport.pendingAcknowledgements).toEqual([]);
  });

  it('the author, organisations not addressed and VIEWERs may not; who cannot read it gets NOT_FOUND', async () => {
    const { a, b, c, outsider, incident } = await world();
    const restricted = await submitReport(hub, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId] });
    expect((await ack(restricted.id, a)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await ack(restricted.id, c)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await ack(restricted.id, outsider)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const viewer = await userSession(hub, 'VIEWER', b.organisationId);
    expect((await ack(restricted.id, viewer)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const admin = await userSession(hub, 'ADMIN');
    expect((await ack(restricted.id, admin)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(await hub.db.query(`SELECT 1 FROM situation_report_acknowledgements WHERE report_id = $1`, [restricted.id])).toEqual([]);
    const ok = await ack(restricted.id, b);
    expect(ok.body.data?.acknowledgeSituationReport.pendingAcknowledgements).toEqual([]);
  });

  it('an organisation that joined after the report is not asked to acknowledge it', async () => {
    const { a, b, incident } = await world();
    const report = await submitReport(hub, a.headers, incident.id);
    const late = await createOrganisation(hub.db);
    await hub.db.query(`INSERT INTO incident_participants (incident_id, organisation_id) VALUES ($1, $2)`, [incident.id, late.id]);
    const res = await hub.gql(`query ($id: ID!) { situationReport(id: $id) { pendingAcknowledgements { id } } }`, { id: report.id }, b.headers);
    expect(res.body.data?.situationReport.pendingAcknowledgements.map((o: any) => o.id)).not.toContain(late.id);
    expect(res.body.data?.situationReport.pendingAcknowledgements).toHaveLength(2);
  });
});
