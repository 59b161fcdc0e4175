import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createOrganisation, userSession } from './support/factories.js';
import { startHubProcess } from './support/hub-process.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let db: TestApp;
beforeAll(async () => {
  db = await startTestApp(); // for fixtures only
}, 120000);
afterAll(() => db.close());

describe('graceful shutdown of the built hub (node dist/main.js)', () => {
  it('on SIGTERM stops accepting, lets the request in flight finish, closes the pool and exits 0', async () => {
    const org = await createOrganisation(db.db);
    const admin = await userSession(db, 'ADMIN');
    const hub = await startHubProcess();
    // Hold a row lock so that the hub's mutation stays in flight until we let it go.
    const blocker = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT id FROM organisations WHERE id = $1 FOR UPDATE`, [org.id]);
    try {
      // The in-process app signs with another secret: log in on the process itself.
      const loginRes = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation ($e: String!) { login(email: $e, password: "correct-horse-battery-staple") { accessToken } }`, variables: { e: admin.email } }),
      }).then((r) => r.json() as Promise<any>);
      const token = loginRes.data.login.accessToken;
      const inFlight = fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `mutation ($id: ID!) { updateOrganisation(id: $id, input: { email: "drained@test.example" }) { email } }`, variables: { id: org.id } }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
      await new Promise((r) => setTimeout(r, 300)); // the request is now waiting on the lock
      hub.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      const refused = await fetch(`${hub.url}/health/live`).then(() => 'answered', () => 'refused');
      expect(refused).toBe('refused');
      await blocker.query('COMMIT');
      const done = await inFlight;
      expect(done.status).toBe(200);
      expect(done.body.data.updateOrganisation.email).toBe('drained@test.example');
      expect(await hub.exited).toEqual({ code: 0, signal: null });
      expect(hub.output()).toMatch(/SIGTERM: no new connections/);
      expect(hub.output()).not.toContain(token);
    } finally {
      await blocker.end().catch(() => undefined);
      if (hub.child.exitCode === null) hub.child.kill('SIGKILL');
    }
  }, 120000);
});
