import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../src/config/app-config.js';
import { createOrganisation, createUser, login, TEST_PASSWORD, userSession } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { connectOutcome } from './support/ws-client.js';

const ME = `{ me { id email role organisation { id } } }`;
const REFRESH = `mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken user { id } } }`;
const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken accessTokenExpiresAt refreshToken user { id email } } }`;

let hub: TestApp;
beforeAll(async () => {
  // Behind a trusted proxy the client address comes from X-Forwarded-For, which lets the
  // tests act as different client addresses.
  hub = await startTestApp({ TRUST_PROXY: 'true', LOGIN_MAX_ADDRESS_FAILURES: '8' });
});
afterAll(() => hub.close());

const from = (address: string) => ({ 'x-forwarded-for': address });
let addressCounter = 1;
const freshAddress = () => `10.77.${Math.floor(addressCounter / 250)}.${addressCounter++ % 250}`;

describe('login and me', () => {
  it('logs in with email and password and returns a short-lived JWT and a refresh token', async () => {
    const org = await createOrganisation(hub.db);
    const user = await createUser(hub.db, org.id, 'LIAISON_OFFICER');
    const res = await hub.gql(LOGIN, { e: user.email.toUpperCase(), p: TEST_PASSWORD }, from(freshAddress()));
    const payload = res.body.data!.login;
    expect(payload.user).toEqual({ id: user.id, email: user.email });
    const ttl = new Date(payload.accessTokenExpiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(15 * 60 * 1000);
    const header = JSON.parse(Buffer.from(payload.accessToken.split('.')[0], 'base64url').toString());
    expect(header.alg).toBe('HS256');
    const me = await hub.gql(ME, undefined, { authorization: `Bearer ${payload.accessToken}` });
    expect(me.body.data!.me).toEqual({ id: user.id, email: user.email, role: 'LIAISON_OFFICER', organisation: { id: org.id } });
    const [stored] = await hub.db.query(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
    expect(stored.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('answers an unknown email and a wrong password with the same UNAUTHENTICATED message, and records both', async () => {
    const user = await createUser(hub.db, (await createOrganisation(hub.db)).id, 'VIEWER');
    const [{ before }] = await hub.db.query(`SELECT count(*)::int AS before FROM audit_events WHERE action = 'auth.login.failed'`);
    const wrong = await hub.gql(LOGIN, { e: user.email, p: 'not-the-password!' }, from(freshAddress()));
    const unknown = await hub.gql(LOGIN, { e: `nobody-${user.id}@test.example`, p: 'not-the-password!' }, from(freshAddress()));
    expect(wrong.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(unknown.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(wrong.body.errors?.[0].message).toBe(unknown.body.errors?.[0].message);
    const [{ after }] = await hub.db.query(`SELECT count(*)::int AS after FROM audit_events WHERE action = 'auth.login.failed'`);
    expect(after - before).toBe(2);
    const [event] = await hub.db.query(`SELECT details FROM audit_events WHERE action = 'auth.login.failed' AND entity_id = $1`, [user.id]);
    expect(event.details).not.toContain('not-the-password');
  });

  it('refuses anonymous callers and garbage tokens with UNAUTHENTICATED', async () => {
    expect((await hub.gql(ME)).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(ME, undefined, { authorization: 'Bearer not.a.jwt' })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(ME, undefined, { 'x-api-key': 'shk_nope' })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses tokens signed with another secret, another algorithm or another issuer', async () => {
    const session = await userSession(hub, 'VIEWER');
    const [, body] = session.headers.authorization.slice('Bearer '.length).split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const secret = hub.app.get(AppConfig).auth.jwtSecret;
    const { iat: _iat, exp: _exp, iss: _iss, ...payload } = claims;
    const jwt = new JwtService();
    const forged = [
      jwt.sign(payload, { secret: 'not-the-hub-secret-but-long-enough-0123456789', algorithm: 'HS256', issuer: 'samverkan-hub', expiresIn: 60 }),
      jwt.sign(payload, { secret, algorithm: 'HS512', issuer: 'samverkan-hub', expiresIn: 60 }),
      jwt.sign(payload, { secret, algorithm: 'HS256', issuer: 'someone-else', expiresIn: 60 }),
    ];
    for (const token of forged) {
      expect((await hub.gql(ME, undefined, { authorization: `Bearer ${token}` })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    // The same claims, signed as the hub signs them, are accepted: the refusals above are the signature's, algorithm's and issuer's.
    const genuine = jwt.sign(payload, { secret, algorithm: 'HS256', issuer: 'samverkan-hub', expiresIn: 60 });
    expect((await hub.gql(ME, undefined, { authorization: `Bearer ${genuine}` })).body.data?.me).toMatchObject({ role: 'VIEWER' });
  });

  it('refuses tokens, however well signed, without an expiry, a session or a sane lifetime, over HTTP and WebSocket', async () => {
    const session = await userSession(hub, 'VIEWER');
    const [, body] = session.headers.authorization.slice('Bearer '.length).split('.');
    const { iat: _iat, exp: _exp, iss: _iss, sid, ...rest } = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const secret = hub.app.get(AppConfig).auth.jwtSecret;
    const jwt = new JwtService();
    const as = { secret, algorithm: 'HS256', issuer: 'samverkan-hub' } as const;
    const refused = {
      noExpiry: jwt.sign({ ...rest, sid }, as),
      noSession: jwt.sign(rest, { ...as, expiresIn: 60 }),
      sessionNotAnId: jwt.sign({ ...rest, sid: 'not-a-session-id' }, { ...as, expiresIn: 60 }),
      yearLong: jwt.sign({ ...rest, sid }, { ...as, expiresIn: 365 * 24 * 3600 }),
    };
    for (const [name, token] of Object.entries(refused)) {
      const res = await hub.gql(ME, undefined, { authorization: `Bearer ${token}` });
      expect({ name, code: res.body.errors?.[0].extensions.code }).toEqual({ name, code: 'UNAUTHENTICATED' });
      expect({ name, ws: await connectOutcome(hub.url, { authorization: `Bearer ${token}` }) }).toEqual({ name, ws: { code: 4403, reason: 'Forbidden' } });
    }
    const genuine = jwt.sign({ ...rest, sid }, { ...as, expiresIn: 60 });
    expect((await hub.gql(ME, undefined, { authorization: `Bearer ${genuine}` })).body.data?.me).toMatchObject({ role: 'VIEWER' });
    expect(await connectOutcome(hub.url, { authorization: `Bearer ${genuine}` })).toBe('connected');
  });

  it('stops the tokens of a user who is deactivated, or whose organisation is', async () => {
    const admin = await userSession(hub, 'ADMIN');
    const a = await userSession(hub, 'VIEWER');
    const b = await userSession(hub, 'VIEWER');
    expect((await hub.gql(ME, undefined, a.headers)).body.data?.me.id).toBe(a.id);
    const off = await hub.gql(`mutation ($id: ID!) { updateUser(id: $id, input: { active: false }) { active } }`, { id: a.id }, admin.headers);
    expect(off.body.data?.updateUser.active).toBe(false);
    expect((await hub.gql(ME, undefined, a.headers)).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(REFRESH, { t: a.refreshToken })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(LOGIN, { e: a.email, p: TEST_PASSWORD }, from(freshAddress()))).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    await hub.gql(`mutation ($id: ID!) { updateOrganisation(id: $id, input: { active: false }) { active } }`, { id: b.organisationId }, admin.headers);
    expect((await hub.gql(ME, undefined, b.headers)).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('refresh tokens', () => {
  it('rotates: the new token works, the old one is retired, and its reuse revokes the whole family', async () => {
    const s = await userSession(hub, 'VIEWER');
    const first = await hub.gql(REFRESH, { t: s.refreshToken });
    const rotated = first.body.data!.refreshSession;
    expect(rotated.refreshToken).not.toBe(s.refreshToken);
    expect((await hub.gql(ME, undefined, { authorization: `Bearer ${rotated.accessToken}` })).body.data?.me.id).toBe(s.id);

    const reuse = await hub.gql(REFRESH, { t: s.refreshToken });
    expect(reuse.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    // The thief's copy and the legitimate new token are both dead now, and so is the session's access token.
    expect((await hub.gql(REFRESH, { t: rotated.refreshToken })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(ME, undefined, { authorization: `Bearer ${rotated.accessToken}` })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const [audit] = await hub.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.refresh.reuseDetected' AND entity_id = $1`, [s.id]);
    expect(audit.n).toBe(1);
  });

  it('20 concurrent refreshes with one token: exactly one succeeds, and the family is revoked after the reuse', async () => {
    const s = await userSession(hub, 'VIEWER');
    const results = await Promise.all(Array.from({ length: 20 }, () => hub.gql(REFRESH, { t: s.refreshToken })));
    const ok = results.filter((r) => r.body.data?.refreshSession);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((x) => !x.body.data?.refreshSession)) expect(r.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const winner = ok[0].body.data!.refreshSession;
    expect((await hub.gql(REFRESH, { t: winner.refreshToken })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const [family] = await hub.db.query(
      `SELECT count(*)::int AS total, count(revoked_at)::int AS revoked FROM refresh_tokens WHERE user_id = $1`,
      [s.id],
    );
    expect(family.revoked).toBe(family.total);
  });

  it('logout retires the family: the refresh token and the access token stop working', async () => {
    const s = await userSession(hub, 'VIEWER');
    expect((await hub.gql(`mutation ($t: String!) { logout(refreshToken: $t) }`, { t: s.refreshToken })).body.data?.logout).toBe(true);
    expect((await hub.gql(REFRESH, { t: s.refreshToken })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(ME, undefined, s.headers)).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('stores refresh tokens only as hashes', async () => {
    const s = await userSession(hub, 'VIEWER');
    const stored = await hub.db.query(`SELECT token_hash FROM refresh_tokens WHERE user_id = $1`, [s.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(s.refreshToken);
  });
});

describe('changePassword', () => {
  const CHANGE = `mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;

  it('needs the current password and a new one of at least 12 characters', async () => {
    const s = await userSession(hub, 'VIEWER');
    const wrong = await hub.gql(CHANGE, { c: 'wrong-password-123', n: 'another-long-password' }, s.headers);
    expect(wrong.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'currentPassword' }] });
    const short = await hub.gql(CHANGE, { c: TEST_PASSWORD, n: 'short' }, s.headers);
    expect(short.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'newPassword' }] });
    expect((await login(hub, s.email)).accessToken).toBeTruthy();
  });

  it('ends the other sessions of the user and keeps the current one', async () => {
    const s = await userSession(hub, 'VIEWER');
    const other = await login(hub, s.email);
    expect((await hub.gql(CHANGE, { c: TEST_PASSWORD, n: 'a-brand-new-password' }, s.headers)).body.data?.changePassword).toBe(true);
    expect((await hub.gql(ME, undefined, other.headers)).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(REFRESH, { t: other.refreshToken })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(ME, undefined, s.headers)).body.data?.me.id).toBe(s.id);
    expect((await hub.gql(REFRESH, { t: s.refreshToken })).body.data?.refreshSession).toBeTruthy();
    expect((await login(hub, s.email, 'a-brand-new-password')).accessToken).toBeTruthy();
  });
});

describe('login throttling', () => {
  it('locks an account after repeated failures, even with the right password, with a retry hint', async () => {
    const user = await createUser(hub.db, (await createOrganisation(hub.db)).id, 'VIEWER');
    for (let i = 0; i < 5; i++) {
      const r = await hub.gql(LOGIN, { e: user.email, p: 'wrong-password-x' }, from(freshAddress()));
      expect(r.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const locked = await hub.gql(LOGIN, { e: user.email, p: TEST_PASSWORD }, from(freshAddress()));
    expect(locked.body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(locked.body.errors?.[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('locks a client address that fails across many accounts', async () => {
    const address = freshAddress();
    for (let i = 0; i < 8; i++) {
      const r = await hub.gql(LOGIN, { e: `nobody-${i}-${address}@test.example`, p: 'wrong-password-x' }, from(address));
      expect(r.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const user = await createUser(hub.db, (await createOrganisation(hub.db)).id, 'VIEWER');
    expect((await hub.gql(LOGIN, { e: user.email, p: TEST_PASSWORD }, from(address))).body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect((await hub.gql(LOGIN, { e: user.email, p: TEST_PASSWORD }, from(freshAddress()))).body.data?.login).toBeTruthy();
  });
});

describe('login throttling under simultaneous attempts', () => {
  /**
   * Of simultaneous wrong logins, at most `limit` reach the password check (UNAUTHENTICATED);
   * the others are RATE_LIMITED at once, with a retry hint in the error and in Retry-After.
   */
  function expectThrottled(results: Awaited<ReturnType<TestApp['gql']>>[], limit: number) {
    const codes = results.map((r) => r.body.errors?.[0].extensions.code);
    expect(codes.filter((c) => c !== 'UNAUTHENTICATED' && c !== 'RATE_LIMITED')).toEqual([]);
    const unauthenticated = codes.filter((c) => c === 'UNAUTHENTICATED').length;
    expect(unauthenticated).toBeGreaterThan(0);
    expect(unauthenticated).toBeLessThanOrEqual(limit);
    for (const r of results.filter((x) => x.body.errors?.[0].extensions.code === 'RATE_LIMITED')) {
      const retry = r.body.errors![0].extensions.retryAfterSeconds;
      expect(retry).toBeGreaterThan(0);
      expect(r.headers.get('retry-after')).toBe(String(retry));
    }
  }

  it('counts 40 simultaneous wrong passwords for one account as 40: at most 5 are checked', async () => {
    const user = await createUser(hub.db, (await createOrganisation(hub.db)).id, 'VIEWER');
    const results = await Promise.all(Array.from({ length: 40 }, () => hub.gql(LOGIN, { e: user.email, p: 'wrong-password-x' }, from(freshAddress()))));
    expectThrottled(results, 5);
    // The account is locked now, for the right password too.
    expect((await hub.gql(LOGIN, { e: user.email, p: TEST_PASSWORD }, from(freshAddress()))).body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('counts 40 simultaneous failures from one address as 40: at most LOGIN_MAX_ADDRESS_FAILURES (8 here) are checked', async () => {
    const address = freshAddress();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => hub.gql(LOGIN, { e: `nobody-${i}-${address}@test.example`, p: 'wrong-password-x' }, from(address))));
    expectThrottled(results, 8);
  });

  it('gives a right password its attempt back: simultaneous correct logins from one address do not lock it', async () => {
    const address = freshAddress();
    const org = await createOrganisation(hub.db);
    const users = await Promise.all(Array.from({ length: 8 }, () => createUser(hub.db, org.id, 'VIEWER')));
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(users.map((u) => hub.gql(LOGIN, { e: u.email, p: TEST_PASSWORD }, from(address))));
      expect(results.map((r) => r.body.errors?.[0].extensions.code)).toEqual(users.map(() => undefined));
    }
  });
});

describe('first administrator from the environment', () => {
  it('creates HUB_ADMIN_EMAIL as ADMIN of the HUB organisation once, and leaves an existing user alone', async () => {
    const email = `first-admin-${Date.now()}@test.example`;
    const env = { HUB_ADMIN_EMAIL: email, HUB_ADMIN_PASSWORD: 'first-admin-password' };
    const one = await startTestApp(env);
    await one.close();
    const two = await startTestApp({ ...env, HUB_ADMIN_PASSWORD: 'a-different-password' });
    try {
      const rows = await two.db.query(`SELECT u.role, o.code FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE lower(u.email) = $1`, [email]);
      expect(rows).toEqual([{ role: 'ADMIN', code: 'HUB' }]);
      const session = await login(two, email, 'first-admin-password');
      expect((await two.gql(`{ verifyAuditChain { valid } }`, undefined, session.headers)).body.data?.verifyAuditChain.valid).toBe(true);
    } finally {
      await two.close();
    }
  });
});

describe('Organisation.members', () => {
  const MEMBERS = `query ($id: ID!) { organisation(id: $id) { members(first: 2) { totalCount nodes { id role } pageInfo { hasNextPage endCursor } } } }`;

  it('shows the members to the organisation’s own users and to ADMIN, paged; NOT_FOUND to anyone else', async () => {
    const org = await createOrganisation(hub.db);
    const viewer = await userSession(hub, 'VIEWER', org.id);
    await createUser(hub.db, org.id, 'LIAISON_OFFICER');
    await createUser(hub.db, org.id, 'COORDINATOR');
    const own = await hub.gql(MEMBERS, { id: org.id }, viewer.headers);
    const page = own.body.data!.organisation.members;
    expect(page.totalCount).toBe(3);
    expect(page.nodes).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = await hub.gql(`query ($id: ID!, $after: String) { organisation(id: $id) { members(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage } } } }`, { id: org.id, after: page.pageInfo.endCursor }, viewer.headers);
    expect(rest.body.data!.organisation.members.nodes).toHaveLength(1);
    expect(rest.body.data!.organisation.members.pageInfo.hasNextPage).toBe(false);

    const admin = await userSession(hub, 'ADMIN');
    expect((await hub.gql(MEMBERS, { id: org.id }, admin.headers)).body.data!.organisation.members.totalCount).toBe(3);
    const outsider = await userSession(hub, 'COORDINATOR');
    const refused = await hub.gql(MEMBERS, { id: org.id }, outsider.headers);
    expect(refused.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });
});
