import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventBus } from '../src/common/events/event-bus.service.js';
import { SITUATION_REPORT_SUBMITTED } from '../src/incidents/incident-events.js';
import { createApiKey, createUser, login, userSession, type Session, type TestUser } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { countStatements as countStatementsOf } from './support/count-statements.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WsClient, type WsSubscription } from './support/ws-client.js';

// One event, N subscribers: what it costs in SQL must not grow with N (the filter decides from
// facts shared by every subscriber of the event; nested fields batch once per viewer class),
// and the access rules must stay those of the queries.

type Principal = TestUser & Session;

const PLAIN = `subscription ($incidentId: ID) { situationReportSubmitted(incidentId: $incidentId) { id visibility submittedAt } }`;
const NESTED = `subscription ($incidentId: ID) { situationReportSubmitted(incidentId: $incidentId) {
  id version situation visibility organisation { id name } recipients { id } incident { id title } } }`;
const INCIDENTS = `subscription { incidentChanged { id title status participants { organisation { id } } } }`;

let hub: TestApp;
const clients: WsClient[] = [];
beforeAll(async () => {
  // The statement counts below count every statement of the process: the periodic recheck of
  // open sockets (every WS_RECHECK_SECONDS) must not fall into a counted window on a slow machine.
  hub = await startTestApp({ WS_RECHECK_SECONDS: '3600' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await hub.close();
});

const countStatements = (work: () => Promise<unknown>) => countStatementsOf(hub, work);

/** `n` subscriptions on sockets of their own, each for one of `who` in turn. */
async function subscribeMany(who: { accessToken?: string; secret?: string }[], n: number, query: string, variables: Record<string, unknown> = {}): Promise<WsSubscription[]> {
  const subs: WsSubscription[] = [];
  for (let i = 0; i < n; i++) {
    const w = who[i % who.length];
    const c = w.accessToken ? await WsClient.forToken(hub.url, w.accessToken) : await WsClient.forApiKey(hub.url, w.secret!);
    clients.push(c);
    subs.push(await c.subscribe(query, variables, 0));
  }
  await new Promise((r) => setTimeout(r, 300));
  return subs;
}

async function close(subs: WsSubscription[]): Promise<void> {
  for (const s of subs) s.unsubscribe();
  await new Promise((r) => setTimeout(r, 100));
}

describe('one event, N subscribers: statements that do not grow with N', () => {
  it('situationReportSubmitted: no statement per subscriber; nested fields one batch per viewer class', async () => {
    const author = await userSession(hub, 'LIAISON_OFFICER');
    const viewers: Principal[] = [];
    for (let i = 0; i < 3; i++) {
      const u = await createUser(hub.db, author.organisationId, 'VIEWER');
      viewers.push({ ...u, ...(await login(hub, u.email)) });
    }
    const other = await userSession(hub, 'VIEWER');
    const incident = await insertIncident(hub.db, [author.organisationId, other.organisationId]);

    const deliver = async (n: number, query: string) => {
      const subs = await subscribeMany([viewers[0], other, viewers[1], viewers[2]], n, query, { incidentId: incident.id });
      const { count, statements } = await countStatements(async () => {
        // A selection of its own: the fixture's (supersedes) would read the previous version.
        const res = await hub.gql(`mutation ($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { id } }`, {
          input: { incidentId: incident.id, operationalStatus: 'NORMAL', situation: 'Läge', visibility: 'ALL_PARTICIPANTS' },
        }, author.headers);
        const report = res.body.data!.submitSituationReport;
        for (const s of subs) expect((await s.next()).data!.situationReportSubmitted.id).toBe(report.id);
      });
      await close(subs);
      return { count, statements };
    };

    // The author's session is looked up once and then kept (PRINCIPAL_CACHE_SECONDS): look it up
    // before counting, so that every count below is of the same warm path.
    expect((await hub.gql(`{ me { id } }`, undefined, author.headers)).body.errors).toBeUndefined();
    const none = await deliver(0, PLAIN);
    const plainFew = await deliver(2, PLAIN);
    const plainMany = await deliver(16, PLAIN);
    // The submit alone: the filter and the delivered value cost nothing per subscriber.
    expect(plainFew.count).toBe(none.count);
    expect(plainMany.count).toBe(none.count);

    // Nested fields (organisation, recipients, incident): one batch per event and viewer class
    // (here two: the author's organisation's VIEWERs and the other organisation's VIEWER), whatever N.
    const nestedFew = await deliver(2, NESTED);
    const nestedMany = await deliver(16, NESTED);
    expect(nestedMany.count).toBe(nestedFew.count);
    expect(nestedMany.count - none.count).toBeLessThanOrEqual(4);
  });

  it('incidentChanged: one read per event, nested fields one batch per viewer class, whatever the number of subscribers', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const viewer = await userSession(hub, 'VIEWER', lead.organisationId);
    const incident = await insertIncident(hub.db, [lead.organisationId]);
    let title = 0;
    const change = async (n: number) => {
      const subs = await subscribeMany([viewer, lead], n, INCIDENTS);
      const { count } = await countStatements(async () => {
        const t = `Titel ${++title}`;
        const res = await hub.gql(`mutation ($id: ID!, $t: String!) { updateIncident(id: $id, input: { title: $t }) { id } }`, { id: incident.id, t }, lead.headers);
        expect(res.body.errors).toBeUndefined();
        for (const s of subs) expect((await s.next()).data!.incidentChanged).toMatchObject({ id: incident.id, title: t });
      });
      await close(subs);
      return count;
    };
    // Two viewer classes (the organisation's VIEWER and LIAISON_OFFICER) in both.
    const few = await change(2);
    const many = await change(12);
    expect(many).toBe(few);
  });
});

describe('restricted reports through the shared filter', () => {
  it('reach exactly the author, the recipients and ADMIN, by users and API keys alike; an organisation that joins receives later reports', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const b = await userSession(hub, 'VIEWER');
    const c = await userSession(hub, 'VIEWER');
    const joiner = await userSession(hub, 'VIEWER');
    const coordinator = await userSession(hub, 'COORDINATOR');
    const admin = await userSession(hub, 'ADMIN');
    // NESTED reads the report's incident too, which needs INCIDENTS_READ (the scope rule, SECURITY.md).
    const keyOfB = await createApiKey(hub.db, b.organisationId, ['REPORTS_READ', 'INCIDENTS_READ']);
    const keyOfC = await createApiKey(hub.db, c.organisationId, ['REPORTS_READ', 'INCIDENTS_READ']);
    const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId, c.organisationId]);

    const who: Record<string, { accessToken?: string; secret?: string }> = { a, b, c, joiner, coordinator, admin, keyOfB, keyOfC };
    const subs = new Map<string, WsSubscription[]>();
    // Several subscribers per principal: the facts are decided once and must still reach each.
    for (const [name, w] of Object.entries(who)) subs.set(name, await subscribeMany([w], 2, NESTED));

    const restricted = await submitReport(hub, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId], situation: 'Hemligt' });
    const join = await hub.gql(`mutation ($i: ID!, $o: ID!) { addIncidentParticipant(incidentId: $i, organisationId: $o) { id } }`, { i: incident.id, o: joiner.organisationId }, a.headers);
    expect(join.body.errors).toBeUndefined();
    const restrictedToC = await submitReport(hub, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [c.organisationId], situation: 'Bara C' });
    const open = await submitReport(hub, a.headers, incident.id, { situation: 'Öppet' });

    const expected: Record<string, string[]> = {
      a: [restricted.id, restrictedToC.id, open.id],
      b: [restricted.id, open.id],
      keyOfB: [restricted.id, open.id],
      c: [restrictedToC.id, open.id],
      keyOfC: [restrictedToC.id, open.id],
      joiner: [open.id],
      coordinator: [open.id],
      admin: [restricted.id, restrictedToC.id, open.id],
    };
    for (const [name, ids] of Object.entries(expected)) {
      for (const s of subs.get(name)!) {
        const got: string[] = [];
        for (let i = 0; i < ids.length; i++) {
          const r = await s.next();
          expect(r.errors).toBeUndefined();
          got.push(r.data!.situationReportSubmitted.id);
        }
        // The last one is ALL_PARTICIPANTS: nothing skipped can still be on its way.
        expect({ name, got }).toEqual({ name, got: ids });
        expect(await s.drain(50)).toEqual([]);
      }
    }
    const forB = subs.get('keyOfB')![0].received[0].data!.situationReportSubmitted;
    expect(forB).toMatchObject({ situation: 'Hemligt', visibility: 'RESTRICTED', organisation: { id: a.organisationId }, recipients: [{ id: b.organisationId }], incident: { id: incident.id } });
    for (const name of ['c', 'keyOfC', 'joiner', 'coordinator']) expect(JSON.stringify(subs.get(name)!.map((s) => s.received))).not.toContain('Hemligt');
    for (const name of ['b', 'keyOfB', 'joiner', 'coordinator']) expect(JSON.stringify(subs.get(name)!.map((s) => s.received))).not.toContain('Bara C');
    for (const list of subs.values()) await close(list);
  });

  it('an event without the facts (from an older publisher) is read once and filtered by the same rules', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const b = await userSession(hub, 'VIEWER');
    const c = await userSession(hub, 'VIEWER');
    const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId, c.organisationId]);
    const forB = await subscribeMany([b], 3, PLAIN);
    const forC = await subscribeMany([c], 3, PLAIN);
    const report = await submitReport(hub, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId] });
    for (const s of forB) expect((await s.next()).data!.situationReportSubmitted.id).toBe(report.id);
    for (const s of forC) expect(await s.drain(100)).toEqual([]);

    const bus = hub.app.get(EventBus);
    const { statements } = await countStatements(async () => {
      await bus.publish(SITUATION_REPORT_SUBMITTED, { reportId: report.id, incidentId: incident.id });
      for (const s of forB) expect((await s.next()).data!.situationReportSubmitted).toMatchObject({ id: report.id, visibility: 'RESTRICTED' });
    });
    expect(statements).toHaveLength(1);
    for (const s of forC) expect(await s.drain(200)).toEqual([]);
    await close([...forB, ...forC]);
  });
});
