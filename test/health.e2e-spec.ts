import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createOrganisation } from './support/factories.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestApp, type TestApp } from './support/test-app.js';

async function eventually<T>(probe: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < deadline);
  return last;
}

describe('health when the database goes away and comes back', () => {
  let hub: TestApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const db = new URL(process.env.TEST_DATABASE_URL!);
    proxy = new TcpProxy(db.hostname, Number(db.port || 5432));
    await proxy.start();
    db.hostname = '127.0.0.1';
    db.port = String(proxy.port);
    hub = await startTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-chars!',
      DATABASE_URL: db.toString(),
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
    });
    const key = await createApiKey(hub.db, (await createOrganisation(hub.db)).id, []);
    const gql = hub.gql;
    hub.gql = (q, v, h = {}) => gql(q, v, { ...key.headers, ...h });
  });
  afterAll(async () => {
    await hub.close();
    await proxy.cut();
  });

  it('is live and ready while the database answers', async () => {
    expect((await hub.get('/health/live')).status).toBe(200);
    const ready = await hub.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text).info.database.status).toBe('up');
  });

  it('answers 503 on /health/ready and a clear, retryable error (with request id) to queries while it is down, then recovers without a restart', async () => {
    await proxy.cut();
    const started = Date.now();
    const down = await eventually(() => hub.get('/health/ready'), (r) => r.status === 503);
    expect(down.status).toBe(503);
    expect((await hub.get('/health/live')).status).toBe(200);

    const res = await hub.gql(`{ organisations { totalCount } }`, undefined, { 'x-request-id': 'outage-probe-1' });
    expect(Date.now() - started).toBeLessThan(15000);
    expect(res.status).toBeLessThan(500);
    const error = res.body.errors?.[0];
    expect(error?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', retryable: true, requestId: 'outage-probe-1' });
    expect(error?.message).toBe('The hub cannot reach its database at the moment; retry shortly');
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);

    await proxy.restore();
    const up = await eventually(() => hub.get('/health/ready'), (r) => r.status === 200);
    expect(up.status).toBe(200);
    const again = await hub.gql(`{ organisations { totalCount } }`);
    expect(again.body.errors).toBeUndefined();
  });
});
