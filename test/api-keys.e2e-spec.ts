import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createOrganisation, userSession } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CREATE = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name prefix scopes expiresAt revokedAt organisation { id } } } }`;
const DIRECTORY = `{ organisations(first: 1) { totalCount } }`;

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

describe('API keys', () => {
  it('shows the secret once, stores only its SHA-256, and the key then authenticates as its organisation', async () => {
    const liaison = await userSession(hub, 'LIAISON_OFFICER');
    const res = await hub.gql(CREATE, { input: { name: 'Partner system', scopes: ['INCIDENTS_READ', 'REPORTS_READ'] } }, liaison.headers);
    const { secret, apiKey } = res.body.data!.createApiKey;
    expect(secret).toMatch(/^shk_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey).toMatchObject({ name: 'Partner system', scopes: ['INCIDENTS_READ', 'REPORTS_READ'], revokedAt: null, organisation: { id: liaison.organisationId } });
    const [row] = await hub.db.query(`SELECT * FROM api_keys WHERE id = $1`, [apiKey.id]);
    expect(row.key_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);
    const [audit] = await hub.db.query(`SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'apiKey.create'`, [apiKey.id]);
    expect(audit.details).not.toContain(secret);

    const read = await hub.gql(DIRECTORY, undefined, { 'x-api-key': secret });
    expect(read.body.data?.organisations.totalCount).toBeGreaterThan(0);
    const listed = await hub.gql(`{ apiKeys { id lastUsedAt } }`, undefined, liaison.headers);
    expect(listed.body.data?.apiKeys.find((k: { id: string }) => k.id === apiKey.id).lastUsedAt).not.toBeNull();
  });

  it('revocation takes effect on the next request', async () => {
    const liaison = await userSession(hub, 'LIAISON_OFFICER');
    const { secret, apiKey } = (await hub.gql(CREATE, { input: { name: 'k', scopes: ['LINKS_READ'] } }, liaison.headers)).body.data!.createApiKey;
    expect((await hub.gql(DIRECTORY, undefined, { 'x-api-key': secret })).body.errors).toBeUndefined();
    const revoked = await hub.gql(`mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id }, liaison.headers);
    expect(revoked.body.data?.revokeApiKey.revokedAt).not.toBeNull();
    expect((await hub.gql(DIRECTORY, undefined, { 'x-api-key': secret })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const again = await hub.gql(`mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id }, liaison.headers);
    expect(again.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE_TRANSITION' });
  });

  it('an expired key stops working; an expiry in the past is refused at creation', async () => {
    const org = await createOrganisation(hub.db);
    const key = await createApiKey(hub.db, org.id, ['INCIDENTS_READ'], { expiresAt: new Date(Date.now() - 1000) });
    expect((await hub.gql(DIRECTORY, undefined, key.headers)).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const liaison = await userSession(hub, 'LIAISON_OFFICER');
    const past = await hub.gql(CREATE, { input: { name: 'k', scopes: ['INCIDENTS_READ'], expiresAt: '2020-01-01T00:00:00Z' } }, liaison.headers);
    expect(past.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'input.expiresAt' }] });
  });

  it('API keys never manage API keys nor act as a user', async () => {
    const org = await createOrganisation(hub.db);
    const key = await createApiKey(hub.db, org.id, ['INCIDENTS_READ', 'REPORTS_WRITE', 'RESOURCES_WRITE', 'LINKS_WRITE']);
    expect((await hub.gql(CREATE, { input: { name: 'k', scopes: ['INCIDENTS_READ'] } }, key.headers)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await hub.gql(`{ apiKeys { id } }`, undefined, key.headers)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await hub.gql(`{ me { id } }`, undefined, key.headers)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('a LIAISON_OFFICER manages the own organisation’s keys only; ADMIN any organisation’s', async () => {
    const liaison = await userSession(hub, 'LIAISON_OFFICER');
    const admin = await userSession(hub, 'ADMIN');
    const other = await createOrganisation(hub.db);
    const forOther = await hub.gql(CREATE, { input: { name: 'k', scopes: ['INCIDENTS_READ'], organisationId: other.id } }, liaison.headers);
    expect(forOther.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const byAdmin = await hub.gql(CREATE, { input: { name: 'k', scopes: ['INCIDENTS_READ'], organisationId: other.id } }, admin.headers);
    const keyId = byAdmin.body.data!.createApiKey.apiKey.id;
    expect((await hub.gql(`query ($o: ID) { apiKeys(organisationId: $o) { id } }`, { o: other.id }, liaison.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await hub.gql(`mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: keyId }, liaison.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const adminList = await hub.gql(`query ($o: ID) { apiKeys(organisationId: $o) { id } }`, { o: other.id }, admin.headers);
    expect(adminList.body.data?.apiKeys).toEqual([{ id: keyId }]);
  });
});
