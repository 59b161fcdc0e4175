import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createOrganisation } from './support/factories.js';
import { redisAvailable, TEST_REDIS_URL } from './support/redis.js';
import { countStatements } from './support/count-statements.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const QUERY = `{ organisations(first: 1) { totalCount } }`;

describe('rate limiting per principal', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => hub.close());

  it('refuses a principal past its limit with RATE_LIMITED and a retry hint, and leaves others alone', async () => {
    const org = await createOrganisation(hub.db);
    const a = await createApiKey(hub.db, org.id, []);
    const b = await createApiKey(hub.db, org.id, []);
    for (let i = 0; i < 5; i++) expect((await hub.gql(QUERY, undefined, a.headers)).body.errors).toBeUndefined();
    const limited = await hub.gql(QUERY, undefined, a.headers);
    expect(limited.status).toBeLessThan(500);
    expect(limited.body.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(limited.body.errors?.[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.headers.get('retry-after')).toBe(String(limited.body.errors?.[0].extensions.retryAfterSeconds));
    expect((await hub.gql(QUERY, undefined, b.headers)).body.errors).toBeUndefined();
  });

  it('counts a request once, whatever the number of root fields in it', async () => {
    const key = await createApiKey(hub.db, (await createOrganisation(hub.db)).id, []);
    const many = `{ a: organisations(first: 1) { totalCount } b: organisations(first: 1) { totalCount } c: organisations(first: 1) { totalCount } }`;
    for (let i = 0; i < 5; i++) expect((await hub.gql(many, undefined, key.headers)).body.errors).toBeUndefined();
    expect((await hub.gql(many, undefined, key.headers)).body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
  });
});

describe('rate limiting per client address, for anonymous requests and credentials that do not verify', () => {
  let hub: TestApp;
  let n = 1;
  // Behind a trusted proxy, each test acts from an address of its own.
  const fresh = () => ({ 'x-forwarded-for': `10.88.0.${n++}` });
  beforeAll(async () => {
    hub = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'true' });
  });
  afterAll(() => hub.close());

  const randomKey = () => `shk_${randomBytes(32).toString('base64url')}`;
  const codeOf = (r: Awaited<ReturnType<TestApp['gql']>>) => r.body.errors?.[0].extensions.code;

  it('counts random API keys, bad tokens and anonymous calls against the address, and answers RATE_LIMITED with Retry-After past the limit', async () => {
    const from = fresh();
    const bad: Record<string, string>[] = [{ 'x-api-key': randomKey() }, { authorization: 'Bearer not.a.token' }, {}, { 'x-api-key': randomKey() }, { authorization: 'Bearer x' }];
    for (const h of bad) expect(codeOf(await hub.gql(QUERY, undefined, { ...from, ...h }))).toBe('UNAUTHENTICATED');
    const limited = await hub.gql(QUERY, undefined, { ...from, 'x-api-key': randomKey() });
    expect(limited.status).toBeLessThan(500);
    expect(limited.body.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(limited.headers.get('retry-after')).toBe(String(limited.body.errors?.[0].extensions.retryAfterSeconds));
    expect(codeOf(await hub.gql(QUERY, undefined, { ...from }))).toBe('RATE_LIMITED');

    // A valid key from that address counts for itself; another address is not affected.
    const key = await createApiKey(hub.db, (await createOrganisation(hub.db)).id, []);
    expect((await hub.gql(QUERY, undefined, { ...from, ...key.headers })).body.errors).toBeUndefined();
    expect(codeOf(await hub.gql(QUERY, undefined, { ...fresh(), 'x-api-key': randomKey() }))).toBe('UNAUTHENTICATED');
  });

  it('looks an unknown API key up in the database once, however often it is sent', async () => {
    const unknown = randomKey();
    const lookups = async () =>
      (await countStatements(hub, () => hub.gql(QUERY, undefined, { ...fresh(), 'x-api-key': unknown }))).statements.filter((s) => /api_keys/.test(s)).length;
    expect(await lookups()).toBe(1);
    expect(await lookups()).toBe(0);
    expect(await lookups()).toBe(0);
    // A key that exists but no longer holds is looked up every time: revocation is not cached, nor is its undoing.
    const revoked = await createApiKey(hub.db, (await createOrganisation(hub.db)).id, [], { revoked: true });
    for (let i = 0; i < 2; i++) {
      const stmts = await countStatements(hub, () => hub.gql(QUERY, undefined, { ...fresh(), ...revoked.headers }));
      expect(stmts.statements.filter((s) => /api_keys/.test(s))).toHaveLength(1);
    }
  });
});

// Needs a Redis (127.0.0.1:6379 on these machines and in CI); skipped where none answers.
const withRedis = (await redisAvailable()) ? describe : describe.skip;

withRedis('rate limiting across replicas (REDIS_URL)', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '6', REDIS_URL: TEST_REDIS_URL };
    one = await startTestApp(env);
    two = await startTestApp(env);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('shares one limit between two hub instances', async () => {
    const key = await createApiKey(one.db, (await createOrganisation(one.db)).id, []);
    for (let i = 0; i < 3; i++) {
      expect((await one.gql(QUERY, undefined, key.headers)).body.errors).toBeUndefined();
      expect((await two.gql(QUERY, undefined, key.headers)).body.errors).toBeUndefined();
    }
    expect((await one.gql(QUERY, undefined, key.headers)).body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect((await two.gql(QUERY, undefined, key.headers)).body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
  });
});
