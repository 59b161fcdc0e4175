import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CredentialAnnouncements, type CredentialsChanged } from '../src/common/events/credentials-changed.js';
import { createApiKey, userSession } from './support/factories.js';
import { insertIncident } from './support/incident-fixtures.js';
import { redisAvailable, TEST_REDIS_URL } from './support/redis.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * A replica keeps the principals it authenticated for PRINCIPAL_CACHE_SECONDS (issue 19), so
 * that a request costs no statement for authentication. Whatever ends a credential announces it,
 * and the next request is refused: on the replica that made the change, and on every other one
 * once the announcement has reached it through Redis.
 */
const ME = `{ me { id role } }`;
const DIRECTORY = `{ organisations(first: 1) { totalCount } }`;
const LOGOUT = `mutation ($t: String!) { logout(refreshToken: $t) }`;
const UPDATE_USER = `mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }`;
const REVOKE_KEY = `mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`;

const codeOf = (res: { body: { errors?: { extensions: Record<string, any> }[] } }) => res.body.errors?.[0]?.extensions.code;

describe('one replica', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ PRINCIPAL_CACHE_SECONDS: '300' });
  });
  afterAll(() => hub.close());

  it('answers from the cache: a change made in the database directly, unannounced, is not seen within PRINCIPAL_CACHE_SECONDS', async () => {
    // What the time limit is for (SECURITY.md); it also shows that the tests below meet a cached principal.
    const s = await userSession(hub, 'VIEWER');
    expect((await hub.gql(ME, undefined, s.headers)).body.data?.me.id).toBe(s.id);
    await hub.db.query(`UPDATE users SET active = false WHERE id = $1`, [s.id]);
    expect((await hub.gql(ME, undefined, s.headers)).body.data?.me.id).toBe(s.id);
  });

  it('refuses a session on the next request after logout', async () => {
    const s = await userSession(hub, 'VIEWER');
    expect((await hub.gql(ME, undefined, s.headers)).body.data?.me.id).toBe(s.id);
    expect((await hub.gql(LOGOUT, { t: s.refreshToken }, s.headers)).body.data?.logout).toBe(true);
    expect(codeOf(await hub.gql(ME, undefined, s.headers))).toBe('UNAUTHENTICATED');
  });

  it('refuses a deactivated user, and a user of a deactivated organisation, on the next request', async () => {
    const admin = await userSession(hub, 'ADMIN');
    const a = await userSession(hub, 'VIEWER');
    const b = await userSession(hub, 'VIEWER');
    expect((await hub.gql(ME, undefined, a.headers)).body.data?.me.id).toBe(a.id);
    expect((await hub.gql(ME, undefined, b.headers)).body.data?.me.id).toBe(b.id);
    expect((await hub.gql(UPDATE_USER, { id: a.id, input: { active: false } }, admin.headers)).body.errors).toBeUndefined();
    expect(codeOf(await hub.gql(ME, undefined, a.headers))).toBe('UNAUTHENTICATED');
    await hub.gql(`mutation ($id: ID!) { updateOrganisation(id: $id, input: { active: false }) { active } }`, { id: b.organisationId }, admin.headers);
    expect(codeOf(await hub.gql(ME, undefined, b.headers))).toBe('UNAUTHENTICATED');
  });

  it('acts with the new role on the next request after a role change', async () => {
    const admin = await userSession(hub, 'ADMIN');
    const s = await userSession(hub, 'COORDINATOR');
    expect((await hub.gql(ME, undefined, s.headers)).body.data?.me.role).toBe('COORDINATOR');
    // An incident a coordinator sees and a viewer of another organisation does not.
    const incident = await insertIncident(hub.db, [admin.organisationId]);
    const INCIDENT = `query ($id: ID!) { incident(id: $id) { id } }`;
    expect((await hub.gql(INCIDENT, { id: incident.id }, s.headers)).body.data?.incident?.id).toBe(incident.id);
    expect((await hub.gql(UPDATE_USER, { id: s.id, input: { role: 'VIEWER' } }, admin.headers)).body.errors).toBeUndefined();
    expect(codeOf(await hub.gql(INCIDENT, { id: incident.id }, s.headers))).toBe('NOT_FOUND');
  });

  it('refuses a revoked API key on the next request', async () => {
    const owner = await userSession(hub, 'LIAISON_OFFICER');
    const key = await createApiKey(hub.db, owner.organisationId, ['INCIDENTS_READ']);
    expect((await hub.gql(DIRECTORY, undefined, key.headers)).body.data?.organisations.totalCount).toBeGreaterThan(0);
    expect((await hub.gql(REVOKE_KEY, { id: key.id }, owner.headers)).body.errors).toBeUndefined();
    expect(codeOf(await hub.gql(DIRECTORY, undefined, key.headers))).toBe('UNAUTHENTICATED');
  });

  it('does not use an API key past its expiry, whatever the cache holds', async () => {
    const owner = await userSession(hub, 'LIAISON_OFFICER');
    const key = await createApiKey(hub.db, owner.organisationId, ['INCIDENTS_READ'], { expiresAt: new Date(Date.now() + 1500) });
    expect((await hub.gql(DIRECTORY, undefined, key.headers)).body.data?.organisations.totalCount).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1600));
    expect(codeOf(await hub.gql(DIRECTORY, undefined, key.headers))).toBe('UNAUTHENTICATED');
  });
});

// Needs a Redis (127.0.0.1:6379 on these machines and in CI); skipped where none answers.
const withRedis = (await redisAvailable()) ? describe : describe.skip;

withRedis('across replicas through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, JWT_SECRET: 'two-replicas-share-this-secret-of-32+chars', PRINCIPAL_CACHE_SECONDS: '300' };
    a = await startTestApp(env);
    b = await startTestApp(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  /** Resolves when replica `hub` has heard an announcement that satisfies `which`. */
  function heard(hub: TestApp, which: (c: CredentialsChanged) => boolean): Promise<void> {
    return new Promise((resolve) => void hub.app.get(CredentialAnnouncements).listen((c) => which(c) && resolve()));
  }

  it('refuses a session on the other replica once the logout is announced', async () => {
    const s = await userSession(a, 'VIEWER');
    expect((await b.gql(ME, undefined, s.headers)).body.data?.me.id).toBe(s.id);
    const announced = heard(b, (c) => !!c.userIds?.includes(s.id));
    expect((await a.gql(LOGOUT, { t: s.refreshToken }, s.headers)).body.data?.logout).toBe(true);
    await announced;
    expect(codeOf(await b.gql(ME, undefined, s.headers))).toBe('UNAUTHENTICATED');
  });

  it('refuses a deactivated user on the other replica', async () => {
    const admin = await userSession(a, 'ADMIN');
    const s = await userSession(a, 'VIEWER');
    expect((await b.gql(ME, undefined, s.headers)).body.data?.me.id).toBe(s.id);
    const announced = heard(b, (c) => !!c.userIds?.includes(s.id));
    expect((await a.gql(UPDATE_USER, { id: s.id, input: { active: false } }, admin.headers)).body.errors).toBeUndefined();
    await announced;
    expect(codeOf(await b.gql(ME, undefined, s.headers))).toBe('UNAUTHENTICATED');
  });

  it('refuses a revoked API key on the other replica', async () => {
    const owner = await userSession(a, 'LIAISON_OFFICER');
    const key = await createApiKey(a.db, owner.organisationId, ['INCIDENTS_READ']);
    expect((await b.gql(DIRECTORY, undefined, key.headers)).body.data?.organisations.totalCount).toBeGreaterThan(0);
    const announced = heard(b, (c) => !!c.apiKeyIds?.includes(key.id));
    expect((await a.gql(REVOKE_KEY, { id: key.id }, owner.headers)).body.errors).toBeUndefined();
    await announced;
    expect(codeOf(await b.gql(DIRECTORY, undefined, key.headers))).toBe('UNAUTHENTICATED');
  });
});
