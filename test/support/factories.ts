import { createHash, randomBytes } from 'node:crypto';
import { Algorithm, hash } from '@node-rs/argon2';
import type { DataSource } from 'typeorm';
import type { TestApp } from './test-app.js';

/** A short random tag: each test file makes rows of its own that no other file can collide with. */
export function uniqueTag(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

export const TEST_PASSWORD = 'correct-horse-battery-staple';
// The real argon2id hash of TEST_PASSWORD, computed once per test file (cheap parameters are
// not used: login must verify exactly what production stores).
let testPasswordHash: Promise<string> | undefined;
function passwordHash(): Promise<string> {
  testPasswordHash ??= hash(TEST_PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  return testPasswordHash;
}

export interface OrganisationRow {
  id: string;
  code: string;
  name: string;
  kind: string;
}

export async function createOrganisation(
  db: DataSource,
  fields: Partial<{ code: string; name: string; kind: string; dutyOfficerPhone: string; email: string; active: boolean }> = {},
): Promise<OrganisationRow> {
  const tag = uniqueTag();
  const [row] = await db.query(
    `INSERT INTO organisations (code, name, kind, duty_officer_phone, email, active)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, code, name, kind`,
    [
      fields.code ?? `ORG-${tag}`,
      fields.name ?? `Organisation ${tag}`,
      fields.kind ?? 'MUNICIPALITY',
      fields.dutyOfficerPhone ?? '+46 8 465 004 99',
      fields.email ?? null,
      fields.active ?? true,
    ],
  );
  return row;
}

export type RoleName = 'ADMIN' | 'COORDINATOR' | 'LIAISON_OFFICER' | 'VIEWER';

export interface TestUser {
  id: string;
  email: string;
  organisationId: string;
  role: RoleName;
}

export async function createUser(db: DataSource, organisationId: string, role: RoleName, fields: Partial<{ email: string; active: boolean }> = {}): Promise<TestUser> {
  const email = fields.email ?? `${role.toLowerCase()}-${uniqueTag().toLowerCase()}@test.example`;
  const [row] = await db.query(
    `INSERT INTO users (organisation_id, email, display_name, role, password_hash, active) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [organisationId, email, `Test ${role}`, role, await passwordHash(), fields.active ?? true],
  );
  return { id: row.id, email, organisationId, role };
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  headers: Record<string, string>;
}

/** Logs in through the real `login` mutation. */
export async function login(hub: TestApp, email: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await hub.gql(`mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }`, { e: email, p: password });
  if (!res.body.data?.login) throw new Error(`login failed: ${JSON.stringify(res.body.errors)}`);
  const { accessToken, refreshToken } = res.body.data.login;
  return { accessToken, refreshToken, headers: { authorization: `Bearer ${accessToken}` } };
}

/** A user of the role in the organisation (a new one when none is given), logged in. */
export async function userSession(hub: TestApp, role: RoleName, organisationId?: string): Promise<TestUser & Session> {
  const orgId = organisationId ?? (await createOrganisation(hub.db)).id;
  const user = await createUser(hub.db, orgId, role);
  return { ...user, ...(await login(hub, user.email)) };
}

export interface TestApiKey {
  id: string;
  secret: string;
  headers: Record<string, string>;
}

/** An API key written straight to the database, as createApiKey would store it. */
export async function createApiKey(
  db: DataSource,
  organisationId: string,
  scopes: string[],
  fields: Partial<{ revoked: boolean; expiresAt: Date }> = {},
): Promise<TestApiKey> {
  const secret = `shk_${randomBytes(32).toString('base64url')}`;
  const [row] = await db.query(
    `INSERT INTO api_keys (organisation_id, name, prefix, key_hash, scopes, expires_at, revoked_at)
     VALUES ($1, 'test key', $2, $3, $4, $5, $6) RETURNING id`,
    [organisationId, secret.slice(0, 12), createHash('sha256').update(secret).digest('hex'), scopes, fields.expiresAt ?? null, fields.revoked ? new Date() : null],
  );
  return { id: row.id, secret, headers: { 'x-api-key': secret } };
}
