import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { getIntrospectionQuery } from 'graphql';
import { createApiKey, createOrganisation, createUser, login, userSession, type OrganisationRow } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { PRINCIPALS, type Expected, type MatrixRow, type MatrixWorld, type PrincipalKind } from './matrix/matrix.types.js';

const JWT_SECRET = 'matrix-test-secret-that-is-at-least-32-chars';

/** Every row file in test/matrix/rows/: each feature brings its own. */
async function loadRows(): Promise<MatrixRow[]> {
  const dir = new URL('./matrix/rows/', import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.rows.ts')).sort();
  // One after the other: Jest's ESM loader can fail to link modules imported concurrently that share a built-in ("request for 'node:crypto' is not in cache").
  const rows: MatrixRow[] = [];
  for (const f of files) rows.push(...((await import(new URL(f, dir).href)) as { rows: MatrixRow[] }).rows);
  return rows;
}

let hub: TestApp;
let world: MatrixWorld;
let rows: MatrixRow[];
let served: string[];

beforeAll(async () => {
  hub = await startTestApp({ JWT_SECRET });
  rows = await loadRows();
  const own: OrganisationRow = await createOrganisation(hub.db);
  const other = await createOrganisation(hub.db);
  const regional = await createOrganisation(hub.db, { kind: 'COUNTY_ADMINISTRATIVE_BOARD' });
  const hubOrg = await createOrganisation(hub.db, { kind: 'OTHER' });
  const viewer = await userSession(hub, 'VIEWER', own.id);
  const liaisonOwn = await userSession(hub, 'LIAISON_OFFICER', own.id);
  const liaisonOther = await userSession(hub, 'LIAISON_OFFICER', other.id);
  const coordinator = await userSession(hub, 'COORDINATOR', regional.id);
  const admin = await userSession(hub, 'ADMIN', hubOrg.id);
  const unscoped = await createApiKey(hub.db, own.id, []);
  const revoked = await createApiKey(hub.db, own.id, ['INCIDENTS_READ', 'REPORTS_READ', 'REPORTS_WRITE', 'RESOURCES_READ', 'RESOURCES_WRITE', 'LINKS_READ', 'LINKS_WRITE', 'LOG_READ', 'LOG_WRITE', 'WEBHOOKS_MANAGE'], { revoked: true });
  const expired = await new JwtService().signAsync(
    { sub: viewer.id, org: own.id, role: 'VIEWER', sid: '00000000-0000-4000-8000-000000000000', exp: Math.floor(Date.now() / 1000) - 60 },
    { secret: JWT_SECRET, algorithm: 'HS256', issuer: 'samverkan-hub' },
  );
  world = {
    hub,
    own,
    other,
    headers: {
      anonymous: {},
      viewer: viewer.headers,
      liaisonOwn: liaisonOwn.headers,
      liaisonOther: liaisonOther.headers,
      coordinator: coordinator.headers,
      admin: admin.headers,
      apiKeyScoped: {}, // made per row, with the row's scope
      apiKeyUnscoped: unscoped.headers,
      revokedKey: revoked.headers,
      expiredToken: { authorization: `Bearer ${expired}` },
    },
    userIds: { viewer: viewer.id, liaisonOwn: liaisonOwn.id, liaisonOther: liaisonOther.id, coordinator: coordinator.id, admin: admin.id },
    async freshSession(role) {
      const orgId = role === 'ADMIN' ? hubOrg.id : role === 'COORDINATOR' ? regional.id : own.id;
      const user = await createUser(hub.db, orgId, role);
      const session = await login(hub, user.email);
      return { headers: session.headers, refreshToken: session.refreshToken, userId: user.id };
    },
  };
  const intro = await hub.gql<any>(getIntrospectionQuery(), undefined, admin.headers);
  const schema = intro.body.data!.__schema;
  served = ['queryType', 'mutationType', 'subscriptionType'].flatMap((root) => {
    const name = schema[root]?.name;
    const type = schema.types.find((t: { name: string }) => t.name === name);
    return (type?.fields ?? []).map((f: { name: string }) => `${name}.${f.name}`);
  });
});
afterAll(() => hub.close());

it('has a row for every operation of the served schema, and none for operations that do not exist', () => {
  const covered = new Set(rows.map((r) => r.operation));
  expect(served.filter((op) => !covered.has(op))).toEqual([]);
  expect([...covered].filter((op) => !served.includes(op))).toEqual([]);
  expect(rows.length).toBe(covered.size);
});

async function outcome(row: MatrixRow, who: PrincipalKind): Promise<Expected | string> {
  let headers = world.headers[who];
  if (who === 'apiKeyScoped') headers = (await createApiKey(hub.db, world.own.id, row.scope ? [row.scope] : [])).headers;
  const call = await row.setup(world, who);
  if (row.operation.startsWith('Subscription.')) {
    const { subscriptionOutcome } = await import('./matrix/subscription-outcome.js');
    return subscriptionOutcome(hub, call, call.headers ?? headers);
  }
  const res = await hub.gql(call.query, call.variables, call.headers ?? headers);
  if (res.status >= 500) return `HTTP ${res.status}`;
  const error = res.body.errors?.[0];
  if (error) return error.extensions.code;
  return res.body.data ? 'OK' : 'NO DATA';
}

describe('authorization matrix', () => {
  it('gives each principal exactly the expected outcome for every operation', async () => {
    const mismatches: string[] = [];
    for (const row of rows) {
      for (const who of PRINCIPALS) {
        const got = await outcome(row, who);
        if (got !== row.expect[who]) mismatches.push(`${row.operation} as ${who}: expected ${row.expect[who]}, got ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
