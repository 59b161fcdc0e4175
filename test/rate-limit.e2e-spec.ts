import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createOrganisation } from './support/factories.js';
import { redisAvailable, TEST_REDIS_URL } from './support/redis.js';
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
