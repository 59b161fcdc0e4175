import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, createUser, TEST_PASSWORD, type TestUser } from './support/factories.js';
import { buildOnce } from './support/hub-process.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The web console's cookie session (src/auth/console-session.controller.ts) over real HTTP: the
 * refresh token only in an HttpOnly, SameSite=Strict cookie scoped to /console/session, rotated
 * on every renewal with the reuse detection of the GraphQL sessions, ended by sign-out, and
 * refused without the console's header or a JSON body. And the pages: served by the hub with a
 * policy that allows no inline script.
 */
const CONSOLE = { 'content-type': 'application/json', 'x-hub-console': '1' };
const ME = `{ me { id } }`;

let hub: TestApp;
let prodHub: TestApp;
let user: TestUser;
beforeAll(async () => {
  // The pages are the build's (dist/console-app): built here when older than their sources.
  await buildOnce();
  hub = await startTestApp();
  prodHub = await startTestApp({ NODE_ENV: 'production', JWT_SECRET: 'console-test-secret-of-at-least-32-chars' });
  const org = await createOrganisation(hub.db);
  user = await createUser(hub.db, org.id, 'LIAISON_OFFICER');
}, 300_000);
afterAll(async () => {
  await hub.close();
  await prodHub.close();
});

async function call(app: TestApp, path: string, init: { headers?: Record<string, string>; body?: unknown; cookie?: string } = {}) {
  const res = await fetch(`${app.url}/console/session${path}`, {
    method: 'POST',
    headers: { ...(init.headers ?? CONSOLE), ...(init.cookie ? { cookie: init.cookie } : {}) },
    body: init.body === undefined ? '{}' : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, setCookie: res.headers.get('set-cookie') ?? '', body: text ? JSON.parse(text) : undefined };
}
const signIn = (app: TestApp = hub) => call(app, '', { body: { email: user.email, password: TEST_PASSWORD } });
/** The cookie as the browser would send it back: name=value. */
const cookieOf = (setCookie: string) => setCookie.split(';')[0];

describe('console session cookie', () => {
  it('signs in: an access token in the body, the refresh token only in an HttpOnly SameSite=Strict cookie for /console/session', async () => {
    const res = await signIn();
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: user.id, displayName: expect.any(String), role: 'LIAISON_OFFICER', organisationId: user.organisationId });
    expect(res.body).not.toHaveProperty('refreshToken');
    expect(res.setCookie).toMatch(/^hub_console_refresh=[^;]{20,};/);
    expect(res.setCookie).toMatch(/; Path=\/console\/session(;|$)/);
    expect(res.setCookie).toMatch(/; HttpOnly/);
    expect(res.setCookie).toMatch(/; SameSite=Strict/);
    expect(res.setCookie).not.toMatch(/; Secure/);
    const me = await hub.gql(ME, undefined, { authorization: `Bearer ${res.body.accessToken}` });
    expect(me.body.data).toEqual({ me: { id: user.id } });
  });

  it('marks the cookie Secure in production', async () => {
    const org = await createOrganisation(prodHub.db);
    const prodUser = await createUser(prodHub.db, org.id, 'VIEWER');
    const res = await call(prodHub, '', { body: { email: prodUser.email, password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.setCookie).toMatch(/; Secure/);
  });

  it('refuses a wrong password as UNAUTHENTICATED with no cookie, through the login throttle of the API', async () => {
    const res = await call(hub, '', { body: { email: user.email, password: 'wrong-password-here' } });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.setCookie).toBe('');
    const [failed] = await hub.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.login.failed' AND entity_id = $1`, [user.id]);
    expect(failed.n).toBeGreaterThan(0);
  });

  it('renews with the cookie, rotating it; the old cookie presented again ends the whole session', async () => {
    const first = cookieOf((await signIn()).setCookie);
    const renewed = await call(hub, '/refresh', { cookie: first });
    expect(renewed.status).toBe(200);
    const second = cookieOf(renewed.setCookie);
    expect(second).not.toBe(first);
    expect((await hub.gql(ME, undefined, { authorization: `Bearer ${renewed.body.accessToken}` })).body.data).toEqual({ me: { id: user.id } });

    const replay = await call(hub, '/refresh', { cookie: first });
    expect(replay.status).toBe(401);
    expect(replay.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(replay.setCookie).toMatch(/^hub_console_refresh=;/);
    // Reuse detection: the current cookie of the same session is now dead too.
    expect((await call(hub, '/refresh', { cookie: second })).status).toBe(401);
  });

  it('signs out: the cookie is cleared and the session it carried cannot be renewed', async () => {
    const cookie = cookieOf((await signIn()).setCookie);
    const out = await call(hub, '/logout', { cookie });
    expect(out.status).toBe(204);
    expect(out.setCookie).toMatch(/^hub_console_refresh=;.*Expires=Thu, 01 Jan 1970/);
    expect((await call(hub, '/refresh', { cookie })).status).toBe(401);
    const [row] = await hub.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.logout' AND entity_id = $1`, [user.id]);
    expect(row.n).toBeGreaterThan(0);
  });

  it('renews nothing without a cookie', async () => {
    const res = await call(hub, '/refresh');
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['without the X-Hub-Console header', { 'content-type': 'application/json' }],
    ['as a form post (what a cross-site form can send)', { 'content-type': 'application/x-www-form-urlencoded', 'x-hub-console': '1' }],
    ['as text/plain (a "simple" cross-site fetch)', { 'content-type': 'text/plain', 'x-hub-console': '1' }],
  ] as [string, Record<string, string>][])('refuses a request %s as FORBIDDEN, renewing and ending nothing', async (_name, headers) => {
    const cookie = cookieOf((await signIn()).setCookie);
    const json = headers['content-type'] === 'application/json';
    for (const path of ['/refresh', '/logout']) {
      const res = await call(hub, path, { headers, cookie, body: json ? {} : 'x=1' });
      expect(res.status).toBe(403);
      expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
      expect(res.setCookie).toBe('');
    }
    const credentials = { email: user.email, password: TEST_PASSWORD };
    const login = await call(hub, '', { headers, body: json ? credentials : new URLSearchParams(credentials).toString() });
    expect(login.status).toBe(403);
    // The session is untouched by the refused requests.
    expect((await call(hub, '/refresh', { cookie })).status).toBe(200);
  });

  it('leaves the GraphQL API its own CSRF protection: a GET with a query but no preflight header is refused', async () => {
    const res = await fetch(`${hub.url}/graphql?query=%7B__typename%7D`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF|cross-site/i);
  });
});

describe('console pages', () => {
  it('serves the console at /console and below with a policy that allows no inline script', async () => {
    for (const path of ['/console', '/console/', '/console/incidents/00000000-0000-4000-8000-000000000000/picture']) {
      const res = await fetch(`${hub.url}${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      const html = await res.text();
      expect(html).toMatch(/<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js"><\/script>/);
      // No inline script: every <script> has a src.
      expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    }
  });

  it('serves the bundled assets from the hub, and nothing that names another host', async () => {
    const html = await (await fetch(`${hub.url}/console/`)).text();
    const script = /src="(\/console\/assets\/[^"]+)"/.exec(html)![1];
    const res = await fetch(`${hub.url}${script}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${hub.url}/console/assets/nope.js`)).status).toBe(404);
  });

  it('serves GraphiQL at GET /graphql outside production, from the hub itself', async () => {
    const res = await fetch(`${hub.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<title>GraphiQL/);
    expect(html).toMatch(/src="\/console\/assets\/graphiql-[\w-]+\.js"/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('says in production that GraphiQL is off', async () => {
    const res = await fetch(`${prodHub.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(/GraphiQL is off in production/);
  });
});
