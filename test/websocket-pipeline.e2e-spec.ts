import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { createApiKey, createOrganisation, userSession, type Session, type TestUser } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { redisAvailable, TEST_REDIS_URL } from './support/redis.js';
import { insertResourceType } from './support/resource-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { connectOutcome, WsClient, type WsSubscription } from './support/ws-client.js';

/**
 * Issue 15, items 2 and 6: an operation over an open graphql-ws socket passes the pipeline of an
 * HTTP request (credentials that still hold, the rate limit), and a socket and a principal are
 * limited in what they hold open. (Introspection over graphql-ws in production:
 * test/graphql-plumbing.e2e-spec.ts, "production mode".)
 */
const REPORTS = `subscription ($incidentId: ID) { situationReportSubmitted(incidentId: $incidentId) { id } }`;
const SET_HOLDING = `mutation ($t: ID!, $q: Int!) { setResourceHolding(input: { resourceTypeId: $t, quantityTotal: $q }) { quantityTotal } }`;
const QUERY = `{ organisations(first: 1) { totalCount } }`;

const clients: WsClient[] = [];
async function connect(hub: TestApp, params: Record<string, unknown>): Promise<WsClient> {
  const client = await WsClient.connect(hub.url, params);
  clients.push(client);
  return client;
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

/** How one operation over the socket ended: 'ok', its error's code, or the close code of its socket. */
async function outcome(client: WsClient, query: string, variables?: Record<string, unknown>): Promise<string> {
  const result = await (await client.subscribe(query, variables, 0)).next(5000);
  const error = result.errors?.[0];
  if (!error) return 'ok';
  return error.extensions?.code === 'SOCKET_CLOSED' ? `closed ${error.extensions.closeCode}` : String(error.extensions?.code);
}

/** The close code that ended a subscription within `ms`, if it ended so. */
async function closeCodeWithin(sub: WsSubscription, ms: number): Promise<number | undefined> {
  const ended = await Promise.race([sub.complete.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), ms))]);
  return ended ? sub.received.at(-1)?.errors?.[0]?.extensions?.closeCode : undefined;
}

describe('credentials are checked for each operation over a socket, without waiting for WS_RECHECK_SECONDS', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ WS_RECHECK_SECONDS: '3600' });
  });
  afterAll(() => hub.close());

  const bearer = (s: Session) => ({ authorization: `Bearer ${s.accessToken}` });
  const ok = (res: { body: { errors?: unknown } }) => expect(res.body.errors).toBeUndefined();

  /**
   * A socket with a subscription open and a mutation that worked; then `change` over HTTP. The
   * next mutation on that socket is refused (UNAUTHENTICATED, or the socket is already closed
   * with 4403 when the check won the race), nothing is written, and the subscription ends with
   * 4403 at once. `alsoRefused` names a refusal a client that connects again may get instead.
   */
  async function expectStopped(params: Record<string, unknown>, organisationId: string, change: () => Promise<void>, alsoRefused: string[] = []) {
    const incident = await insertIncident(hub.db, [organisationId]);
    const type = await insertResourceType(hub.db);
    const client = await connect(hub, params);
    const sub = await client.subscribe(REPORTS, { incidentId: incident.id }, 100);
    expect(await outcome(client, SET_HOLDING, { t: type, q: 1 })).toBe('ok');

    await change();
    expect(['UNAUTHENTICATED', 'closed 4403', ...alsoRefused]).toContain(await outcome(client, SET_HOLDING, { t: type, q: 2 }));
    // WS_RECHECK_SECONDS is an hour here: a close at all means the change itself ended the socket.
    expect(await closeCodeWithin(sub, 3000)).toBe(4403);
    const [holding] = await hub.db.query(`SELECT quantity_total FROM resource_holdings WHERE organisation_id = $1 AND resource_type_id = $2`, [organisationId, type]);
    expect(holding.quantity_total).toBe(1);
  }

  it('after logout', async () => {
    const user = await userSession(hub, 'LIAISON_OFFICER');
    await expectStopped(bearer(user), user.organisationId, async () => ok(await hub.gql(`mutation ($t: String!) { logout(refreshToken: $t) }`, { t: user.refreshToken })));
  });

  it('with a revoked API key', async () => {
    const manager = await userSession(hub, 'LIAISON_OFFICER');
    const key = await createApiKey(hub.db, manager.organisationId, ['REPORTS_READ', 'RESOURCES_READ', 'RESOURCES_WRITE']);
    await expectStopped({ apiKey: key.secret }, manager.organisationId, async () =>
      ok(await hub.gql(`mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: key.id }, manager.headers)),
    );
  });

  it('for a deactivated user', async () => {
    const admin = await userSession(hub, 'ADMIN');
    const user = await userSession(hub, 'LIAISON_OFFICER');
    await expectStopped(bearer(user), user.organisationId, async () =>
      ok(await hub.gql(`mutation ($id: ID!) { updateUser(id: $id, input: { active: false }) { id } }`, { id: user.id }, admin.headers)),
    );
  });

  it('for a user of a deactivated organisation', async () => {
    const admin = await userSession(hub, 'ADMIN');
    const user = await userSession(hub, 'LIAISON_OFFICER');
    await expectStopped(bearer(user), user.organisationId, async () =>
      ok(await hub.gql(`mutation ($id: ID!) { updateOrganisation(id: $id, input: { active: false }) { id } }`, { id: user.organisationId }, admin.headers)),
    );
  });

  it('for a user whose role changed: the socket does not keep the old role', async () => {
    const admin = await userSession(hub, 'ADMIN');
    const user: TestUser & Session = await userSession(hub, 'LIAISON_OFFICER');
    // A client that connects again holds a token that is still valid, for a VIEWER now.
    await expectStopped(
      bearer(user),
      user.organisationId,
      async () => ok(await hub.gql(`mutation ($id: ID!) { updateUser(id: $id, input: { role: VIEWER }) { id } }`, { id: user.id }, admin.headers)),
      ['FORBIDDEN'],
    );
  });

  it('leaves the sockets of other principals open, also of the same organisation', async () => {
    const user = await userSession(hub, 'LIAISON_OFFICER');
    const colleague = await userSession(hub, 'VIEWER', user.organisationId);
    const incident = await insertIncident(hub.db, [user.organisationId]);
    const sub = await (await connect(hub, bearer(colleague))).subscribe(REPORTS, { incidentId: incident.id }, 100);
    ok(await hub.gql(`mutation ($t: String!) { logout(refreshToken: $t) }`, { t: user.refreshToken }));
    const report = await submitReport(hub, (await userSession(hub, 'LIAISON_OFFICER', user.organisationId)).headers, incident.id);
    expect((await sub.next()).data?.situationReportSubmitted.id).toBe(report.id);
  });
});

describe('operations per socket (WS_MAX_SUBSCRIPTIONS_PER_SOCKET, 50 by default)', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ WS_RECHECK_SECONDS: '3600' });
  });
  afterAll(() => hub.close());

  it('of 3,000 subscribe messages on one socket accepts 50, refuses the rest on the socket, and the hub stays responsive', async () => {
    const reporter = await userSession(hub, 'LIAISON_OFFICER');
    const viewer = await userSession(hub, 'VIEWER', reporter.organisationId);
    const other = await userSession(hub, 'VIEWER', reporter.organisationId);
    const incident = await insertIncident(hub.db, [reporter.organisationId]);
    const otherSub = await (await connect(hub, { authorization: `Bearer ${other.accessToken}` })).subscribe(REPORTS, { incidentId: incident.id }, 100);

    const socket = new WebSocket(`${hub.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: any }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${viewer.accessToken}` } }));
    await waitFor(() => messages.some((m) => m.type === 'connection_ack'), 3000);
    try {
      for (let i = 0; i < 3000; i++) socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: REPORTS, variables: { incidentId: incident.id } } }));
      // Another client is answered meanwhile (how fast is the bench's business, not a test's).
      expect((await hub.gql(QUERY, undefined, other.headers)).body.errors).toBeUndefined();

      const errors = () => messages.filter((m) => m.type === 'error');
      await waitFor(() => errors().length >= 2950, 15000);
      expect(new Set(errors().map((m) => m.payload[0].extensions.code))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(errors()[0].payload[0].message).toMatch(/WS_MAX_SUBSCRIPTIONS_PER_SOCKET/);

      // The 50 accepted are subscribed: each receives the next report, once; so does the other client.
      const report = await submitReport(hub, reporter.headers, incident.id);
      const delivered = () => messages.filter((m) => m.type === 'next');
      await waitFor(() => delivered().length >= 50, 5000);
      expect((await otherSub.next()).data?.situationReportSubmitted.id).toBe(report.id);
      await new Promise((r) => setTimeout(r, 200));
      expect(errors()).toHaveLength(2950);
      expect(delivered()).toHaveLength(50);
      expect(new Set(delivered().map((m) => m.payload.data.situationReportSubmitted.id))).toEqual(new Set([report.id]));
    } finally {
      socket.close();
    }
  });
});

describe('the rate limit and sockets per principal', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5', WS_MAX_SOCKETS_PER_PRINCIPAL: '3' });
  });
  afterAll(() => hub.close());

  it('counts operations over a socket with the HTTP requests of the principal: past RATE_LIMIT_PER_MINUTE, RATE_LIMITED on that operation', async () => {
    const key = await createApiKey(hub.db, (await createOrganisation(hub.db)).id, []);
    const client = await connect(hub, { apiKey: key.secret });
    for (let i = 0; i < 4; i++) expect(await outcome(client, QUERY)).toBe('ok');
    expect((await hub.gql(QUERY, undefined, key.headers)).body.errors).toBeUndefined();
    const limited = await (await client.subscribe(QUERY, undefined, 0)).next(5000);
    expect(limited.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(limited.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect((await hub.gql(QUERY, undefined, key.headers)).body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    // Another principal is not affected, on the socket or over HTTP.
    const other = await createApiKey(hub.db, (await createOrganisation(hub.db)).id, []);
    expect(await outcome(await connect(hub, { apiKey: other.secret }), QUERY)).toBe('ok');
  });

  it('refuses a socket past WS_MAX_SOCKETS_PER_PRINCIPAL with 4429; a closed one makes room; other principals connect', async () => {
    const key = await createApiKey(hub.db, (await createOrganisation(hub.db)).id, []);
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await WsClient.connect(hub.url, { apiKey: key.secret }));
    expect(await connectOutcome(hub.url, { apiKey: key.secret })).toEqual({ code: 4429, reason: 'Too many open connections for these credentials' });
    const other = await createApiKey(hub.db, (await createOrganisation(hub.db)).id, []);
    expect(await connectOutcome(hub.url, { apiKey: other.secret })).toBe('connected');

    await open.pop()!.close();
    await waitFor(async () => (await connectOutcome(hub.url, { apiKey: key.secret })) === 'connected', 3000);
    await Promise.all(open.map((c) => c.close()));
  });
});

// Needs a Redis (127.0.0.1:6379 on these machines and in CI); skipped where none answers.
const withRedis = (await redisAvailable()) ? describe : describe.skip;

withRedis('across replicas (REDIS_URL)', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    // One secret, as replicas share: a token of one is valid on the other.
    const env = { WS_RECHECK_SECONDS: '3600', REDIS_URL: TEST_REDIS_URL, JWT_SECRET: 'a-secret-both-test-replicas-share-000' };
    one = await startTestApp(env);
    two = await startTestApp(env);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('a logout on one replica ends the socket on the other at once', async () => {
    const user = await userSession(one, 'VIEWER');
    const incident = await insertIncident(one.db, [user.organisationId]);
    const sub = await (await connect(two, { authorization: `Bearer ${user.accessToken}` })).subscribe(REPORTS, { incidentId: incident.id }, 100);
    expect((await one.gql(`mutation ($t: String!) { logout(refreshToken: $t) }`, { t: user.refreshToken })).body.errors).toBeUndefined();
    // WS_RECHECK_SECONDS is an hour: a close at all means the logout's announcement ended it.
    expect(await closeCodeWithin(sub, 3000)).toBe(4403);
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
