import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createOrganisation, userSession } from './support/factories.js';
import { insertIncident } from './support/incident-fixtures.js';
import { insertResourceType } from './support/resource-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * Regression tests for what the fuzz suite (test/fuzz.e2e-spec.ts) found: each of these was a
 * 500 or an INTERNAL_SERVER_ERROR, or an expected refusal logged as an error.
 */

let hub: TestApp;
let headers: Record<string, string>;
const logged: string[] = [];

beforeAll(async () => {
  hub = await startTestApp();
  headers = (await userSession(hub, 'ADMIN', (await createOrganisation(hub.db)).id)).headers;
  jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map((a) => (a instanceof Error ? a.message : JSON.stringify(a))).join(' ')));
});
afterAll(async () => {
  jest.restoreAllMocks();
  await hub.close();
});

function nested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('requests the fuzzer found failing', () => {
  it('answers an operationName that matches no operation, sent with an Idempotency-Key, as BAD_USER_INPUT (was a 500)', async () => {
    const res = await hub.post(JSON.stringify({ query: 'mutation Real { logout(refreshToken: "x") }', operationName: 'Other' }), { ...headers, 'idempotency-key': 'k-1' });
    expect(res.status).toBe(400);
    expect(res.json().errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses automatic persisted queries as BAD_USER_INPUT (a wrong hash was an INTERNAL_SERVER_ERROR)', async () => {
    for (const sha256Hash of ['abc', 'a'.repeat(64)]) {
      const res = await hub.post(JSON.stringify({ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash } } }), headers);
      expect(res.status).toBeLessThan(500);
      expect(res.json().errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a subscription sent over HTTP with BAD_USER_INPUT pointing at graphql-ws (was INTERNAL_SERVER_ERROR)', async () => {
    const res = await hub.gql('subscription { incidentChanged { id } }', undefined, headers);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0].message).toMatch(/graphql-ws/);
  });

  it('refuses a body nested deeper than the limit with 400 BAD_USER_INPUT (deep variables with an Idempotency-Key overflowed the stack: a 500)', async () => {
    const query = 'mutation { logout(refreshToken: "x") }';
    const deep = await hub.post(JSON.stringify({ query, variables: { deep: nested(3000) } }), { ...headers, 'idempotency-key': 'k-2' });
    expect(deep.status).toBe(400);
    expect(deep.json().errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'body' }] });
    const fine = await hub.post(JSON.stringify({ query, variables: { shallow: nested(10) } }), { ...headers, 'idempotency-key': 'k-3' });
    expect(fine.status).toBe(200);
    expect(JSON.stringify(fine.json())).not.toMatch(/INTERNAL_SERVER_ERROR/);
  });

  it('refuses a lone surrogate in a string argument as BAD_USER_INPUT naming the field (isEmail threw URIError: INTERNAL_SERVER_ERROR)', async () => {
    logged.length = 0;
    const org = await createOrganisation(hub.db);
    const query = `mutation ($id: ID!, $input: UpdateOrganisationInput!) { updateOrganisation(id: $id, input: $input) { id email } }`;
    for (const [variables, field] of [
      [{ id: org.id, input: { email: '\udfff' } }, 'input.email'],
      [{ id: org.id, input: { name: 'Räddning \ud83d' } }, 'input.name'],
    ] as const) {
      const res = await hub.gql(query, variables, headers);
      expect(res.status).toBeLessThan(500);
      expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field, message: `${field} must be well-formed Unicode text (it holds a lone surrogate)` }] });
    }
    // A surrogate pair (an emoji) is a character like any other.
    const fine = await hub.gql(query, { id: org.id, input: { name: 'Räddning \ud83d\ude92' } }, headers);
    expect(fine.body.errors).toBeUndefined();
    expect(logged).toEqual([]);
    const [row] = await hub.db.query(`SELECT name, email FROM organisations WHERE id = $1`, [org.id]);
    expect(row).toEqual({ name: 'Räddning 🚒', email: null });
  });

  it('ranks resource matches by distance for coordinates that validation accepts but whose arithmetic underflows (resourceMatches was an INTERNAL_SERVER_ERROR: "value out of range: underflow"; fuzz seed 7)', async () => {
    logged.length = 0;
    const [requester, lender] = [await createOrganisation(hub.db), await createOrganisation(hub.db)];
    const incident = await insertIncident(hub.db, [requester.id, lender.id]);
    const type = await insertResourceType(hub.db);
    // A latitude within ±90 that PostgreSQL cannot take radians of (a subnormal double), set through the API.
    const set = await hub.gql(
      `mutation ($input: SetResourceHoldingInput!) { setResourceHolding(input: $input) { id location { latitude longitude } } }`,
      { input: { organisationId: lender.id, resourceTypeId: type, quantityTotal: 5, location: { latitude: 5e-324, longitude: 1e-200 } } },
      headers,
    );
    expect(set.body.errors).toBeUndefined();
    const [request] = await hub.db.query(
      `INSERT INTO resource_requests (incident_id, requesting_organisation_id, resource_type_id, quantity_requested, delivery_latitude, delivery_longitude)
       VALUES ($1, $2, $3, 3, 0, 0) RETURNING id`,
      [incident.id, requester.id, type],
    );
    const res = await hub.gql(`query ($id: ID!) { resourceMatches(requestId: $id) { holding { id } quantityOffered distanceKm } }`, { id: request.id }, headers);
    expect(res.status).toBeLessThan(500);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.resourceMatches).toEqual([{ holding: { id: set.body.data!.setResourceHolding.id }, quantityOffered: 3, distanceKm: expect.any(Number) }]);
    expect(res.body.data!.resourceMatches[0].distanceKm).toBeLessThan(0.001);
    expect(logged).toEqual([]);
  });

  it('logs neither expected refusals (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT…) nor malformed requests as errors', async () => {
    logged.length = 0;
    await hub.gql('{ verifyAuditChain { valid } }'); // UNAUTHENTICATED
    await hub.gql('{ incident(id: "00000000-0000-4000-8000-000000000000") { id } }', undefined, headers); // null or NOT_FOUND
    await hub.gql('{ organisations(first: 1000) { totalCount } }', undefined, headers); // BAD_USER_INPUT
    await hub.post(JSON.stringify({ query: 'query A { me { id } }', operationName: 'B' }), headers); // no such operation
    expect(logged).toEqual([]);
  });
});
