import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IdempotencyService, requestFingerprint, type IdempotencyClaim } from '../src/common/idempotency/idempotency.service.js';
import { uniqueTag, userSession } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CREATE = `mutation ($code: String!) { createOrganisation(input: { name: "Idempotent", code: $code, kind: OTHER }) { id code } }`;
let hub: TestApp;
let admin: Awaited<ReturnType<typeof userSession>>;
beforeAll(async () => {
  hub = await startTestApp();
  admin = await userSession(hub, 'ADMIN');
});
afterAll(() => hub.close());

async function post(body: unknown, headers: Record<string, string>) {
  const res = await fetch(`${hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, replayed: res.headers.get('idempotency-replayed'), text: await res.text() };
}

describe('Idempotency-Key', () => {
  // The race the 50-concurrent test met on a loaded machine: a duplicate that finds the key taken
  // while the first request's transaction (and so its claim) has not committed yet.
  it('a duplicate waits for a first request whose claim is not committed yet, and gets its response', async () => {
    const idempotency = hub.app.get(IdempotencyService);
    const claim: IdempotencyClaim = { principal: `user:${admin.id}`, key: `race-${uniqueTag()}`, fingerprint: requestFingerprint('mutation { x }', null, {}), state: 'pending' };
    const first = hub.db.createQueryRunner();
    await first.startTransaction();
    try {
      expect(await idempotency.claimIn(first.manager, claim)).toBe(true);
      const duplicate = idempotency.outcome({ ...claim });
      const early = await Promise.race([duplicate.then((o) => o.kind), new Promise((r) => setTimeout(() => r('still waiting'), 300))]);
      expect(early).toBe('still waiting');
      await first.commitTransaction();
      await idempotency.complete({ ...claim, state: 'claimed' }, { data: { x: 1 } });
      expect(await duplicate).toEqual({ kind: 'replay', response: { data: { x: 1 } } });
    } finally {
      if (first.isTransactionActive) await first.rollbackTransaction();
      await first.release();
    }
  });

  it('a duplicate of a first request that rolled back is told to retry', async () => {
    const idempotency = hub.app.get(IdempotencyService);
    const claim: IdempotencyClaim = { principal: `user:${admin.id}`, key: `rollback-${uniqueTag()}`, fingerprint: requestFingerprint('mutation { x }', null, {}), state: 'pending' };
    const first = hub.db.createQueryRunner();
    await first.startTransaction();
    expect(await idempotency.claimIn(first.manager, claim)).toBe(true);
    const duplicate = idempotency.outcome({ ...claim });
    await new Promise((r) => setTimeout(r, 150));
    await first.rollbackTransaction();
    await first.release();
    // Told at once that nothing was carried out, not after waiting out the full wait for a response.
    expect(await duplicate).toEqual({ kind: 'busy' });
  });

  it('50 concurrent identical mutations with one key: one effect, identical responses', async () => {
    const code = `ID-${uniqueTag()}`;
    const headers = { ...admin.headers, 'idempotency-key': `create-${code}` };
    const results = await Promise.all(Array.from({ length: 50 }, () => post({ query: CREATE, variables: { code } }, headers)));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(JSON.parse(results[0].text).data.createOrganisation.code).toBe(code);
    expect((await hub.db.query(`SELECT id FROM organisations WHERE code = $1`, [code])).length).toBe(1);
    expect((await hub.db.query(`SELECT 1 FROM audit_events WHERE action = 'organisation.create' AND details LIKE $1`, [`%${code}%`])).length).toBe(1);
    const retry = await post({ query: CREATE, variables: { code } }, headers);
    expect(retry.replayed).toBe('true');
    expect(retry.text).toBe(results[0].text);
  });

  it('the same key with a different request is CONFLICT IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    const headers = { ...admin.headers, 'idempotency-key': `reuse-${uniqueTag()}` };
    const first = `ID-${uniqueTag()}`;
    const second = `ID-${uniqueTag()}`;
    expect(JSON.parse((await post({ query: CREATE, variables: { code: first } }, headers)).text).data.createOrganisation.code).toBe(first);
    const reused = JSON.parse((await post({ query: CREATE, variables: { code: second } }, headers)).text);
    expect(reused.errors[0].extensions).toEqual({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await hub.db.query(`SELECT id FROM organisations WHERE code = $1`, [second])).length).toBe(0);
  });

  it('keys belong to a principal: another caller with the same key is not answered from the first one', async () => {
    const key = `shared-${uniqueTag()}`;
    const otherAdmin = await userSession(hub, 'ADMIN');
    const a = `ID-${uniqueTag()}`;
    const b = `ID-${uniqueTag()}`;
    await post({ query: CREATE, variables: { code: a } }, { ...admin.headers, 'idempotency-key': key });
    const other = JSON.parse((await post({ query: CREATE, variables: { code: b } }, { ...otherAdmin.headers, 'idempotency-key': key })).text);
    expect(other.data.createOrganisation.code).toBe(b);
  });

  it('a retry of a failed mutation gets the same error back, and queries ignore the header', async () => {
    const code = `ID-${uniqueTag()}`;
    await post({ query: CREATE, variables: { code } }, admin.headers);
    const headers = { ...admin.headers, 'idempotency-key': `dup-${code}` };
    const failed = await post({ query: CREATE, variables: { code } }, headers);
    expect(JSON.parse(failed.text).errors[0].extensions.code).toBe('CONFLICT');
    expect((await post({ query: CREATE, variables: { code } }, headers)).text).toBe(failed.text);
    const q = await post({ query: `{ me { id } }` }, headers);
    expect(JSON.parse(q.text).data.me.id).toBe(admin.id);
    const bad = await post({ query: CREATE, variables: { code: `ID-${uniqueTag()}` } }, { ...admin.headers, 'idempotency-key': 'has spaces' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a claim commits with its mutation: a response lost in a crash is reported, and the mutation is not carried out again', async () => {
    // What a process that died between its commit and storing the response leaves: the claim
    // (committed with the mutation), no response. Made three minutes ago: the hub used to take
    // such a claim over after two minutes and run the mutation a second time.
    const code = `ID-${uniqueTag()}`;
    const key = `lost-${code}`;
    const variables = { code };
    await hub.db.query(`INSERT INTO idempotency_keys (principal, key, request_hash, created_at) VALUES ($1, $2, $3, now() - interval '3 minutes')`, [
      `user:${admin.id}`,
      key,
      requestFingerprint(CREATE, undefined, variables),
    ]);
    const retry = JSON.parse((await post({ query: CREATE, variables }, { ...admin.headers, 'idempotency-key': key })).text);
    expect(retry.data).toBeUndefined();
    expect(retry.errors[0].extensions).toEqual({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(retry.errors[0].message).toMatch(/carried out, but its response was lost/);
    expect((await hub.db.query(`SELECT id FROM organisations WHERE code = $1`, [code])).length).toBe(0);
  });
});
