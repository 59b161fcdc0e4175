import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, userSession, type Session, type TestUser } from './support/factories.js';
import { insertIncident, submitReport, SUBMIT_REPORT } from './support/incident-fixtures.js';
import { redisAvailable, TEST_REDIS_URL } from './support/redis.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { connectOutcome, WsClient, type WsSubscription } from './support/ws-client.js';

type Principal = TestUser & Session;

const REPORTS = `subscription ($incidentId: ID) { situationReportSubmitted(incidentId: $incidentId) {
  id version situation visibility organisation { id } recipients { id } incident { id } } }`;
const INCIDENTS = `subscription { incidentChanged { id title status participants { organisation { id } } } }`;

const clients: WsClient[] = [];
async function ws(hub: TestApp, who: Principal): Promise<WsClient> {
  const c = await WsClient.forToken(hub.url, who.accessToken);
  clients.push(c);
  return c;
}

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await hub.close();
});

describe('graphql-ws on /graphql: authentication in connection_init', () => {
  it('accepts a bearer token or an API key and closes refused sockets with 4403', async () => {
    const user = await userSession(hub, 'VIEWER');
    const key = await createApiKey(hub.db, user.organisationId, ['REPORTS_READ']);
    const revoked = await createApiKey(hub.db, user.organisationId, ['REPORTS_READ'], { revoked: true });
    expect(await connectOutcome(hub.url, { authorization: `Bearer ${user.accessToken}` })).toBe('connected');
    expect(await connectOutcome(hub.url, { apiKey: key.secret })).toBe('connected');
    expect(await connectOutcome(hub.url, {})).toMatchObject({ code: 4403 });
    expect(await connectOutcome(hub.url, { authorization: 'Bearer not-a-token' })).toMatchObject({ code: 4403 });
    expect(await connectOutcome(hub.url, { apiKey: revoked.secret })).toMatchObject({ code: 4403 });
  });

  it('checks role and scope per operation: an API key without REPORTS_READ is FORBIDDEN', async () => {
    const user = await userSession(hub, 'VIEWER');
    const key = await createApiKey(hub.db, user.organisationId, ['INCIDENTS_READ']);
    const c = await WsClient.forApiKey(hub.url, key.secret);
    clients.push(c);
    const sub = await c.subscribe(REPORTS, {}, 0);
    const result = await sub.next();
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const incidents = await c.subscribe(INCIDENTS, {}, 0);
    await expect(incidents.next(500)).rejects.toThrow(/no subscription result/);
  });
});

describe('situationReportSubmitted', () => {
  it('delivers a RESTRICTED report only to its author, its recipients and ADMIN; nothing to an outsider', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const b = await userSession(hub, 'VIEWER');
    const c = await userSession(hub, 'VIEWER');
    const outsider = await userSession(hub, 'LIAISON_OFFICER');
    const coordinator = await userSession(hub, 'COORDINATOR');
    const admin = await userSession(hub, 'ADMIN');
    const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId, c.organisationId]);
    const elsewhere = await insertIncident(hub.db, [outsider.organisationId]);

    const subs = new Map<string, WsSubscription>();
    for (const [name, who] of Object.entries({ a, b, c, outsider, coordinator, admin })) {
      subs.set(name, await (await ws(hub, who)).subscribe(REPORTS, {}, 0));
    }
    await new Promise((r) => setTimeout(r, 300));

    const restricted = await submitReport(hub, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId], situation: 'Hemligt' });
    const open = await submitReport(hub, a.headers, incident.id, { situation: 'Öppet' });
    const sentinel = await submitReport(hub, outsider.headers, elsewhere.id, { situation: 'Annat' });

    const ids = async (name: string, n: number) => {
      const got: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = await subs.get(name)!.next();
        expect(r.errors).toBeUndefined();
        got.push(r.data!.situationReportSubmitted.id);
      }
      return got;
    };
    // Each sees, in order, exactly what it may read; the next event proves the skipped one never came.
    expect(await ids('a', 2)).toEqual([restricted.id, open.id]);
    expect(await ids('b', 2)).toEqual([restricted.id, open.id]);
    expect(await ids('c', 1)).toEqual([open.id]);
    expect(await ids('coordinator', 2)).toEqual([open.id, sentinel.id]);
    expect(await ids('admin', 3)).toEqual([restricted.id, open.id, sentinel.id]);
    expect(await ids('outsider', 1)).toEqual([sentinel.id]);

    const forB = subs.get('b')!.received[0].data!.situationReportSubmitted;
    expect(forB).toMatchObject({ situation: 'Hemligt', visibility: 'RESTRICTED', organisation: { id: a.organisationId }, recipients: [{ id: b.organisationId }], incident: { id: incident.id } });
    for (const name of ['c', 'coordinator', 'outsider']) expect(JSON.stringify(subs.get(name)!.received)).not.toContain('Hemligt');
  });

  it('filters by incidentId, refuses an incident the subscriber cannot see with NOT_FOUND, and never publishes a rolled-back submit', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const outsider = await userSession(hub, 'LIAISON_OFFICER');
    const one = await insertIncident(hub.db, [a.organisationId]);
    const two = await insertIncident(hub.db, [a.organisationId]);
    const client = await ws(hub, a);
    const onlyTwo = await client.subscribe(REPORTS, { incidentId: two.id });

    const hidden = await (await ws(hub, outsider)).subscribe(REPORTS, { incidentId: one.id }, 0);
    expect((await hidden.next()).errors?.[0].extensions?.code).toBe('NOT_FOUND');

    await submitReport(hub, a.headers, one.id);
    // Fails inside the transaction, after the version was taken: rolled back, so never published.
    const failed = await hub.gql(SUBMIT_REPORT, { input: { incidentId: two.id, operationalStatus: 'NORMAL', situation: 'x', visibility: 'RESTRICTED', recipientOrganisationIds: [outsider.organisationId] } }, a.headers);
    expect(failed.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const inTwo = await submitReport(hub, a.headers, two.id);
    const first = await onlyTwo.next();
    expect(first.data!.situationReportSubmitted).toMatchObject({ id: inTwo.id, version: 1 });
    expect(await onlyTwo.drain(200)).toEqual([]);
  });
});

describe('incidentChanged', () => {
  it('reaches those who see the incident, reads it fresh for every event, and reaches an organisation once it joins', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const joiner = await userSession(hub, 'VIEWER');
    const incident = await insertIncident(hub.db, [lead.organisationId]);
    const sentinel = await insertIncident(hub.db, [joiner.organisationId]);
    const forLead = await (await ws(hub, lead)).subscribe(INCIDENTS, {}, 0);
    const forJoiner = await (await ws(hub, joiner)).subscribe(INCIDENTS, {}, 0);
    await new Promise((r) => setTimeout(r, 300));

    const update = (id: string, title: string, who: Principal) =>
      hub.gql(`mutation ($id: ID!, $t: String!) { updateIncident(id: $id, input: { title: $t }) { id } }`, { id, t: title }, who.headers);
    expect((await update(incident.id, 'Första', lead)).body.errors).toBeUndefined();
    expect((await update(incident.id, 'Andra', lead)).body.errors).toBeUndefined();
    const coordinator = await userSession(hub, 'COORDINATOR');
    expect((await update(sentinel.id, 'Vaktpost', coordinator)).body.errors).toBeUndefined();
    const added = await hub.gql(`mutation ($i: ID!, $o: ID!) { addIncidentParticipant(incidentId: $i, organisationId: $o) { id } }`, { i: incident.id, o: joiner.organisationId }, lead.headers);
    expect(added.body.errors).toBeUndefined();

    const e1 = (await forLead.next()).data!.incidentChanged;
    const e2 = (await forLead.next()).data!.incidentChanged;
    expect([e1.title, e2.title]).toEqual(['Första', 'Andra']);
    const e3 = (await forLead.next()).data!.incidentChanged;
    expect(e3.participants.map((p: any) => p.organisation.id).sort()).toEqual([lead.organisationId, joiner.organisationId].sort());

    // The joiner saw nothing of the incident before joining: first the sentinel, then the join.
    expect((await forJoiner.next()).data!.incidentChanged).toMatchObject({ id: sentinel.id, title: 'Vaktpost' });
    expect((await forJoiner.next()).data!.incidentChanged).toMatchObject({ id: incident.id, title: 'Andra' });
  });
});

// Needs a Redis (127.0.0.1:6379 on these machines and in CI); skipped where none answers.
const withRedis = (await redisAvailable()) ? describe : describe.skip;

withRedis('across replicas through Redis', () => {
  let replicaA: TestApp;
  let replicaB: TestApp;
  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, JWT_SECRET: 'two-replicas-share-this-secret-of-32+chars' };
    replicaA = await startTestApp(env);
    replicaB = await startTestApp(env);
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
  });

  it('a subscriber on one replica receives what another replica committed, filtered for it', async () => {
    const a = await userSession(replicaA, 'LIAISON_OFFICER');
    const b = await userSession(replicaA, 'VIEWER');
    const c = await userSession(replicaA, 'VIEWER');
    const incident = await insertIncident(replicaA.db, [a.organisationId, b.organisationId, c.organisationId]);
    const onBforB = await (await ws(replicaB, b)).subscribe(REPORTS, { incidentId: incident.id }, 0);
    const onBforC = await (await ws(replicaB, c)).subscribe(REPORTS, { incidentId: incident.id }, 0);
    const incidentsOnB = await (await ws(replicaB, c)).subscribe(INCIDENTS, {}, 0);
    await new Promise((r) => setTimeout(r, 500));

    const restricted = await submitReport(replicaA, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId] });
    const open = await submitReport(replicaA, a.headers, incident.id);
    await replicaA.gql(`mutation ($id: ID!) { updateIncident(id: $id, input: { status: MONITORING }) { id } }`, { id: incident.id }, a.headers);

    expect((await onBforB.next()).data!.situationReportSubmitted.id).toBe(restricted.id);
    expect((await onBforB.next()).data!.situationReportSubmitted.id).toBe(open.id);
    expect((await onBforC.next()).data!.situationReportSubmitted.id).toBe(open.id);
    expect((await incidentsOnB.next()).data!.incidentChanged).toMatchObject({ id: incident.id, status: 'MONITORING' });
  });
});
