import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Permission } from '../src/common/access/permission.js';
import type { Principal as Caller } from '../src/common/auth/principal.js';
import { Role } from '../src/common/auth/roles.js';
import { matchScore } from '../src/resources/resource-matching.js';
import { RESOURCE_ACCESS_RULES } from '../src/resources/resources.access.js';
import { createApiKey, createOrganisation, uniqueTag, userSession, type Session, type TestUser } from './support/factories.js';
import {
  createRequest,
  insertHolding,
  insertResourceIncident,
  insertResourceType,
  invariantViolations,
  LOAN_MUTATIONS,
  loanMutation,
  offer,
  ok,
  refusal,
  type LoanActionName,
} from './support/resource-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

type Principal = TestUser & Session;

let hub: TestApp;
/** Requester (A), lender (B), a participant without a stake (C), a non-participant (D). */
let a: Principal, b: Principal, c: Principal, d: Principal, viewerA: Principal, coordinator: Principal, admin: Principal;
let incidentId: string;

beforeAll(async () => {
  hub = await startTestApp();
  const [oa, ob, oc, od, oreg, ohub] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => createOrganisation(hub.db)));
  a = await userSession(hub, 'LIAISON_OFFICER', oa.id);
  viewerA = await userSession(hub, 'VIEWER', oa.id);
  b = await userSession(hub, 'LIAISON_OFFICER', ob.id);
  c = await userSession(hub, 'LIAISON_OFFICER', oc.id);
  d = await userSession(hub, 'LIAISON_OFFICER', od.id);
  coordinator = await userSession(hub, 'COORDINATOR', oreg.id);
  admin = await userSession(hub, 'ADMIN', ohub.id);
  incidentId = await insertResourceIncident(hub.db, [oa.id, ob.id, oc.id]);
});
afterAll(() => hub.close());

const HOLDING_FIELDS = `id quantityTotal quantityAvailable location { latitude longitude } locationName notes organisation { id } resourceType { id }`;

async function available(holdingId: string): Promise<number> {
  const [row] = await hub.db.query(`SELECT quantity_total - quantity_committed AS a FROM resource_holdings WHERE id = $1`, [holdingId]);
  return row.a;
}

async function requestState(id: string, who: Principal = a): Promise<{ status: string; quantityFilled: number; loans: { id: string; status: string }[] }> {
  const data = await ok(hub.gql(`query ($id: ID!) { resourceRequest(id: $id) { status quantityFilled loans { id status } } }`, { id }, who.headers));
  return data.resourceRequest;
}

describe('catalogue', () => {
  it('lets a coordinator add a type with a unique code, refuses a duplicate and a liaison officer', async () => {
    const code = `GEN-${uniqueTag()}`;
    const input = { code, name: 'Generator 100 kVA', category: 'EQUIPMENT', unit: 'pcs', description: 'Trailer' };
    const created = await ok(hub.gql(`mutation ($input: CreateResourceTypeInput!) { createResourceType(input: $input) { id code category unit } }`, { input }, coordinator.headers));
    expect(created.createResourceType).toMatchObject({ code, category: 'EQUIPMENT', unit: 'pcs' });
    expect(await refusal(hub.gql(`mutation ($input: CreateResourceTypeInput!) { createResourceType(input: $input) { id } }`, { input }, admin.headers))).toEqual({
      code: 'CONFLICT',
      reason: 'DUPLICATE',
    });
    const again = { ...input, code: `${code}-X` };
    expect((await refusal(hub.gql(`mutation ($input: CreateResourceTypeInput!) { createResourceType(input: $input) { id } }`, { input: again }, a.headers))).code).toBe(
      'FORBIDDEN',
    );
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM resource_types WHERE code LIKE $1`, [`${code}%`]);
    expect(n).toBe(1);
    const list = await ok(hub.gql(`{ resourceTypes(category: EQUIPMENT) { code category } }`, {}, viewerA.headers));
    expect(list.resourceTypes.map((t: { code: string }) => t.code)).toContain(code);
    expect(list.resourceTypes.every((t: { category: string }) => t.category === 'EQUIPMENT')).toBe(true);
  });
});

describe('holdings', () => {
  it('creates one holding per organisation and type and updates it when set again, keeping what is left out', async () => {
    const typeId = await insertResourceType(hub.db);
    const set = `mutation ($input: SetResourceHoldingInput!) { setResourceHolding(input: $input) { ${HOLDING_FIELDS} } }`;
    const first = (await ok(hub.gql(set, { input: { resourceTypeId: typeId, quantityTotal: 5, location: { latitude: 59.3, longitude: 18.1 }, locationName: 'Depot' } }, b.headers)))
      .setResourceHolding;
    expect(first).toMatchObject({ quantityTotal: 5, quantityAvailable: 5, location: { latitude: 59.3, longitude: 18.1 }, locationName: 'Depot', organisation: { id: b.organisationId } });
    const second = (await ok(hub.gql(set, { input: { resourceTypeId: typeId, quantityTotal: 8 } }, b.headers))).setResourceHolding;
    expect(second).toMatchObject({ id: first.id, quantityTotal: 8, quantityAvailable: 8, locationName: 'Depot', location: { latitude: 59.3, longitude: 18.1 } });
    const org = await ok(hub.gql(`query ($id: ID!) { organisation(id: $id) { holdings { id quantityTotal resourceType { id } } } }`, { id: b.organisationId }, viewerA.headers));
    expect(org.organisation.holdings).toEqual([{ id: first.id, quantityTotal: 8, resourceType: { id: typeId } }]);
    const listed = await ok(hub.gql(`query ($t: ID) { resourceHoldings(resourceTypeId: $t) { id } }`, { t: typeId }, viewerA.headers));
    expect(listed.resourceHoldings).toEqual([{ id: first.id }]);
  });

  it("refuses another organisation's holding to a liaison officer, allows it to ADMIN, and refuses a viewer", async () => {
    const typeId = await insertResourceType(hub.db);
    const set = `mutation ($input: SetResourceHoldingInput!) { setResourceHolding(input: $input) { id organisation { id } } }`;
    expect((await refusal(hub.gql(set, { input: { organisationId: b.organisationId, resourceTypeId: typeId, quantityTotal: 3 } }, a.headers))).code).toBe('FORBIDDEN');
    expect((await refusal(hub.gql(set, { input: { resourceTypeId: typeId, quantityTotal: 3 } }, viewerA.headers))).code).toBe('FORBIDDEN');
    const byAdmin = await ok(hub.gql(set, { input: { organisationId: b.organisationId, resourceTypeId: typeId, quantityTotal: 3 } }, admin.headers));
    expect(byAdmin.setResourceHolding.organisation.id).toBe(b.organisationId);
    expect((await refusal(hub.gql(set, { input: { resourceTypeId: typeId, quantityTotal: -1 } }, b.headers))).code).toBe('BAD_USER_INPUT');
  });

  it('refuses to lower the total below what loans hold, and leaves the holding as it was', async () => {
    const typeId = await insertResourceType(hub.db);
    const holdingId = await insertHolding(hub.db, b.organisationId, typeId, 10);
    const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: 6 });
    await ok(hub.gql(loanMutation('accept'), { id: await offer(hub, b.headers, req, holdingId, 6) }, a.headers));
    const set = `mutation ($q: Int!, $t: ID!) { setResourceHolding(input: { resourceTypeId: $t, quantityTotal: $q }) { quantityTotal quantityAvailable } }`;
    expect(await refusal(hub.gql(set, { q: 5, t: typeId }, b.headers))).toEqual({ code: 'CONFLICT', reason: 'QUANTITY_BELOW_COMMITTED' });
    expect(await available(holdingId)).toBe(4);
    expect((await ok(hub.gql(set, { q: 6, t: typeId }, b.headers))).setResourceHolding).toEqual({ quantityTotal: 6, quantityAvailable: 0 });
  });
});

describe('requests', () => {
  it('is created by a participant for its own organisation, and refused to others as the access table says', async () => {
    const typeId = await insertResourceType(hub.db);
    const input = { incidentId, resourceTypeId: typeId, quantity: 4, priority: 'HIGH', deliveryLocation: { latitude: 59.5, longitude: 18.2 }, justification: 'Shelter' };
    const created = await ok(
      hub.gql(
        `mutation ($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) {
           id status quantityRequested quantityFilled priority deliveryLocation { latitude } requestingOrganisation { id } incident { id } resourceType { id } createdBy { id } loans { id } } }`,
        { input },
        a.headers,
      ),
    );
    expect(created.createResourceRequest).toMatchObject({
      status: 'OPEN',
      quantityRequested: 4,
      quantityFilled: 0,
      priority: 'HIGH',
      deliveryLocation: { latitude: 59.5 },
      requestingOrganisation: { id: a.organisationId },
      incident: { id: incidentId },
      resourceType: { id: typeId },
      createdBy: { id: a.id },
      loans: [],
    });
    const mutation = `mutation ($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) { id } }`;
    expect((await refusal(hub.gql(mutation, { input }, d.headers))).code).toBe('NOT_FOUND');
    expect((await refusal(hub.gql(mutation, { input }, coordinator.headers))).code).toBe('FORBIDDEN');
    expect((await refusal(hub.gql(mutation, { input }, viewerA.headers))).code).toBe('FORBIDDEN');
    expect((await refusal(hub.gql(mutation, { input: { ...input, quantity: 0 } }, a.headers))).code).toBe('BAD_USER_INPUT');
    const closed = await insertResourceIncident(hub.db, [a.organisationId], 'CLOSED');
    expect(await refusal(hub.gql(mutation, { input: { ...input, incidentId: closed } }, a.headers))).toEqual({ code: 'CONFLICT', reason: 'INCIDENT_CLOSED' });
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM resource_requests WHERE resource_type_id = $1`, [typeId]);
    expect(n).toBe(1);
  });

  it('is visible to participants and coordinators only: NOT_FOUND for anyone else', async () => {
    const typeId = await insertResourceType(hub.db);
    const id = await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: 1 });
    const q = `query ($id: ID!) { resourceRequest(id: $id) { id } }`;
    for (const who of [a, viewerA, c, coordinator, admin]) expect((await ok(hub.gql(q, { id }, who.headers))).resourceRequest.id).toBe(id);
    expect((await refusal(hub.gql(q, { id }, d.headers))).code).toBe('NOT_FOUND');
    const list = await ok(hub.gql(`query ($t: ID) { resourceRequests(filter: { resourceTypeId: $t }) { totalCount } }`, { t: typeId }, d.headers));
    expect(list.resourceRequests.totalCount).toBe(0);
    expect((await refusal(hub.gql(`query ($i: ID) { resourceRequests(filter: { incidentId: $i }) { totalCount } }`, { i: incidentId }, d.headers))).code).toBe('NOT_FOUND');
  });

  it('lists filtered requests newest first, page by page without gaps or repeats', async () => {
    const typeId = await insertResourceType(hub.db);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: i + 1 }));
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 4; page++) {
      const data: any = await ok(
        hub.gql(
          `query ($t: ID, $after: String) { resourceRequests(filter: { resourceTypeId: $t, status: [OPEN] }, first: 2, after: $after) {
             totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`,
          { t: typeId, after },
          c.headers,
        ),
      );
      expect(data.resourceRequests.totalCount).toBe(5);
      seen.push(...data.resourceRequests.nodes.map((n: { id: string }) => n.id));
      if (!data.resourceRequests.pageInfo.hasNextPage) break;
      after = data.resourceRequests.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());
    const incident = await ok(
      hub.gql(`query ($id: ID!) { incident(id: $id) { resourceRequests(status: [OPEN], first: 100) { totalCount nodes { id } } } }`, { id: incidentId }, c.headers),
    );
    const all = incident.incident.resourceRequests.nodes.map((n: { id: string }) => n.id);
    expect(all).toEqual(expect.arrayContaining(ids));
    const page = (after: string | null) =>
      ok(hub.gql(`query ($id: ID!, $after: String) { incident(id: $id) { resourceRequests(status: [OPEN], first: 2, after: $after) {
        totalCount nodes { id } pageInfo { hasNextPage endCursor } } } }`, { id: incidentId, after }, c.headers));
    const p1 = (await page(null)).incident.resourceRequests;
    const p2 = (await page(p1.pageInfo.endCursor)).incident.resourceRequests;
    expect([p1.totalCount, p2.totalCount]).toEqual([all.length, all.length]);
    expect([...p1.nodes, ...p2.nodes].map((n: { id: string }) => n.id)).toEqual(all.slice(0, 4));
  });

  it('shows open and partly filled requests in the operational picture, most urgent first', async () => {
    const [oa, ob] = [await createOrganisation(hub.db), await createOrganisation(hub.db)];
    const requester = await userSession(hub, 'LIAISON_OFFICER', oa.id);
    const lender = await userSession(hub, 'LIAISON_OFFICER', ob.id);
    const inc = await insertResourceIncident(hub.db, [oa.id, ob.id]);
    const typeId = await insertResourceType(hub.db);
    const holding = await insertHolding(hub.db, ob.id, typeId, 10);
    const low = await createRequest(hub, requester.headers, { incidentId: inc, resourceTypeId: typeId, quantity: 2, priority: 'LOW' });
    const life = await createRequest(hub, requester.headers, { incidentId: inc, resourceTypeId: typeId, quantity: 4, priority: 'LIFE_SAVING' });
    const filled = await createRequest(hub, requester.headers, { incidentId: inc, resourceTypeId: typeId, quantity: 1, priority: 'HIGH' });
    await ok(hub.gql(loanMutation('accept'), { id: await offer(hub, lender.headers, life, holding, 1) }, requester.headers));
    await ok(hub.gql(loanMutation('accept'), { id: await offer(hub, lender.headers, filled, holding, 1) }, requester.headers));
    const pic = await ok(hub.gql(`query ($id: ID!) { operationalPicture(incidentId: $id) { openResourceRequests { id status } } }`, { id: inc }, lender.headers));
    expect(pic.operationalPicture.openResourceRequests).toEqual([
      { id: life, status: 'PARTIALLY_FILLED' },
      { id: low, status: 'OPEN' },
    ]);
  });
});

describe('loans', () => {
  let typeId: string;
  let holdingB: string;
  beforeAll(async () => {
    typeId = await insertResourceType(hub.db);
    holdingB = await insertHolding(hub.db, b.organisationId, typeId, 10);
  });

  it('goes OFFERED → ACCEPTED → DISPATCHED → RETURNED with the quantities following every step', async () => {
    const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: 5 });
    const loan = await offer(hub, b.headers, req, holdingB, 3);
    expect(await requestState(req)).toEqual({ status: 'OPEN', quantityFilled: 0, loans: [{ id: loan, status: 'OFFERED' }] });
    expect(await available(holdingB)).toBe(10);
    const accepted = await ok(hub.gql(`mutation ($id: ID!) { acceptResourceOffer(loanId: $id) { status acceptedAt holding { quantityAvailable } request { status quantityFilled } lendingOrganisation { id } } }`, { id: loan }, a.headers));
    expect(accepted.acceptResourceOffer).toMatchObject({
      status: 'ACCEPTED',
      holding: { quantityAvailable: 7 },
      request: { status: 'PARTIALLY_FILLED', quantityFilled: 3 },
      lendingOrganisation: { id: b.organisationId },
    });
    expect(accepted.acceptResourceOffer.acceptedAt).toEqual(expect.any(String));
    expect((await ok(hub.gql(loanMutation('dispatch'), { id: loan }, b.headers))).r.status).toBe('DISPATCHED');
    expect(await available(holdingB)).toBe(7);
    expect((await ok(hub.gql(loanMutation('return'), { id: loan }, b.headers))).r.status).toBe('RETURNED');
    expect(await available(holdingB)).toBe(10);
    expect(await requestState(req)).toEqual({ status: 'PARTIALLY_FILLED', quantityFilled: 3, loans: [{ id: loan, status: 'RETURNED' }] });
    const audit: { action: string }[] = await hub.db.query(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY sequence`, [loan]);
    expect(audit.map((e) => e.action)).toEqual(['resourceLoan.offer', 'resourceLoan.accept', 'resourceLoan.dispatch', 'resourceLoan.return']);
  });

  it('refuses an offer beyond what the holding has or the request still needs, and from a holding of another organisation', async () => {
    const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: 4 });
    const input = (quantity: number, holdingId = holdingB) => ({ input: { requestId: req, holdingId, quantity } });
    const mutation = `mutation ($input: OfferResourceInput!) { offerResource(input: $input) { id } }`;
    expect(await refusal(hub.gql(mutation, input(5), b.headers))).toEqual({ code: 'CONFLICT', reason: 'INSUFFICIENT_AVAILABLE_QUANTITY' });
    const big = await insertHolding(hub.db, c.organisationId, typeId, 3);
    expect(await refusal(hub.gql(mutation, input(4, big), c.headers))).toEqual({ code: 'CONFLICT', reason: 'INSUFFICIENT_AVAILABLE_QUANTITY' });
    expect((await refusal(hub.gql(mutation, input(1), c.headers))).code).toBe('FORBIDDEN');
    expect((await refusal(hub.gql(mutation, input(1), d.headers))).code).toBe('NOT_FOUND');
    const otherType = await insertHolding(hub.db, b.organisationId, await insertResourceType(hub.db), 5);
    expect((await refusal(hub.gql(mutation, input(1, otherType), b.headers))).code).toBe('BAD_USER_INPUT');
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM resource_loans WHERE request_id = $1`, [req]);
    expect(n).toBe(0);
  });

  it('re-checks on accept: a second offer that no longer fits is INSUFFICIENT_AVAILABLE_QUANTITY', async () => {
    const t = await insertResourceType(hub.db);
    const h = await insertHolding(hub.db, b.organisationId, t, 5);
    const r1 = await createRequest(hub, a.headers, { incidentId, resourceTypeId: t, quantity: 5 });
    const r2 = await createRequest(hub, c.headers, { incidentId, resourceTypeId: t, quantity: 5 });
    const l1 = await offer(hub, b.headers, r1, h, 4);
    const l2 = await offer(hub, b.headers, r2, h, 4);
    await ok(hub.gql(loanMutation('accept'), { id: l1 }, a.headers));
    expect(await refusal(hub.gql(loanMutation('accept'), { id: l2 }, c.headers))).toEqual({ code: 'CONFLICT', reason: 'INSUFFICIENT_AVAILABLE_QUANTITY' });
    expect((await requestState(r2, c)).loans).toEqual([{ id: l2, status: 'OFFERED' }]);
    expect(await available(h)).toBe(1);
    // The request side too: two offers that each fit, together more than needed.
    const t2 = await insertResourceType(hub.db);
    const hb2 = await insertHolding(hub.db, b.organisationId, t2, 5);
    const hc2 = await insertHolding(hub.db, c.organisationId, t2, 5);
    const r3 = await createRequest(hub, a.headers, { incidentId, resourceTypeId: t2, quantity: 3 });
    const l3 = await offer(hub, b.headers, r3, hb2, 2);
    const l4 = await offer(hub, c.headers, r3, hc2, 2);
    await ok(hub.gql(loanMutation('accept'), { id: l3 }, a.headers));
    expect(await refusal(hub.gql(loanMutation('accept'), { id: l4 }, coordinator.headers))).toEqual({ code: 'CONFLICT', reason: 'INSUFFICIENT_AVAILABLE_QUANTITY' });
    expect(await requestState(r3)).toMatchObject({ status: 'PARTIALLY_FILLED', quantityFilled: 2 });
  });

  it('lets each side do only its own transitions', async () => {
    const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: 2 });
    const loan = await offer(hub, b.headers, req, holdingB, 1);
    expect((await refusal(hub.gql(loanMutation('accept'), { id: loan }, b.headers))).code).toBe('FORBIDDEN');
    expect((await refusal(hub.gql(loanMutation('withdraw'), { id: loan }, a.headers))).code).toBe('FORBIDDEN');
    expect((await refusal(hub.gql(loanMutation('accept'), { id: loan }, c.headers))).code).toBe('FORBIDDEN');
    expect((await refusal(hub.gql(loanMutation('accept'), { id: loan }, d.headers))).code).toBe('NOT_FOUND');
    expect((await refusal(hub.gql(loanMutation('accept'), { id: loan }, viewerA.headers))).code).toBe('FORBIDDEN');
    // A coordinator acts for the requesting side, an API key with RESOURCES_WRITE for its organisation.
    await ok(hub.gql(loanMutation('accept'), { id: loan }, coordinator.headers));
    const key = await createApiKey(hub.db, b.organisationId, ['RESOURCES_WRITE']);
    expect((await ok(hub.gql(loanMutation('dispatch'), { id: loan }, key.headers))).r.status).toBe('DISPATCHED');
    const readOnly = await createApiKey(hub.db, b.organisationId, ['RESOURCES_READ']);
    expect((await refusal(hub.gql(loanMutation('return'), { id: loan }, readOnly.headers))).code).toBe('FORBIDDEN');
    expect((await requestState(req)).loans).toEqual([{ id: loan, status: 'DISPATCHED' }]);
  });

  it('refuses every invalid transition from every state with INVALID_STATE_TRANSITION, changing nothing', async () => {
    const allowed: Record<string, LoanActionName[]> = {
      OFFERED: ['accept', 'decline', 'withdraw'],
      ACCEPTED: ['withdraw', 'cancel', 'dispatch'],
      DISPATCHED: ['return'],
      DECLINED: [],
      RETURNED: [],
      WITHDRAWN: [],
      CANCELLED: [],
    };
    const paths: Record<string, LoanActionName[]> = {
      OFFERED: [],
      ACCEPTED: ['accept'],
      DISPATCHED: ['accept', 'dispatch'],
      DECLINED: ['decline'],
      RETURNED: ['accept', 'dispatch', 'return'],
      WITHDRAWN: ['withdraw'],
      CANCELLED: ['accept', 'cancel'],
    };
    const sideOf = (action: LoanActionName) => (['accept', 'decline', 'cancel'].includes(action) ? a : b);
    const failures: string[] = [];
    for (const [state, path] of Object.entries(paths)) {
      const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: 1 });
      const loan = await offer(hub, b.headers, req, holdingB, 1);
      for (const step of path) await ok(hub.gql(loanMutation(step), { id: loan }, sideOf(step).headers));
      const before = { loan: await requestState(req), available: await available(holdingB) };
      expect(before.loan.loans[0].status).toBe(state);
      for (const action of Object.keys(LOAN_MUTATIONS) as LoanActionName[]) {
        if (allowed[state].includes(action)) continue;
        const got = await refusal(hub.gql(loanMutation(action), { id: loan }, sideOf(action).headers));
        if (got.code !== 'CONFLICT' || got.reason !== 'INVALID_STATE_TRANSITION') failures.push(`${action} from ${state}: ${JSON.stringify(got)}`);
      }
      expect({ loan: await requestState(req), available: await available(holdingB) }).toEqual(before);
    }
    expect(failures).toEqual([]);
  });

  it('backs the transitions up in the database: a direct UPDATE to a state the contract does not name is refused', async () => {
    const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: 1 });
    const loan = await offer(hub, b.headers, req, holdingB, 1);
    await expect(hub.db.query(`UPDATE resource_loans SET status = 'RETURNED' WHERE id = $1`, [loan])).rejects.toThrow(/invalid resource loan transition/);
    await expect(hub.db.query(`UPDATE resource_holdings SET quantity_committed = quantity_total + 1 WHERE id = $1`, [holdingB])).rejects.toThrow(/committed_within_total/);
    await expect(hub.db.query(`DELETE FROM resource_loans WHERE id = $1`, [loan])).rejects.toThrow(/never deleted/);
  });

  it('cancelling a request declines its offers, cancels undispatched loans and leaves dispatched ones until returned', async () => {
    const t = await insertResourceType(hub.db);
    const hb = await insertHolding(hub.db, b.organisationId, t, 10);
    const hc = await insertHolding(hub.db, c.organisationId, t, 10);
    const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: t, quantity: 9 });
    const offered = await offer(hub, b.headers, req, hb, 2);
    const accepted = await offer(hub, c.headers, req, hc, 3);
    const dispatched = await offer(hub, b.headers, req, hb, 4);
    await ok(hub.gql(loanMutation('accept'), { id: accepted }, a.headers));
    await ok(hub.gql(loanMutation('accept'), { id: dispatched }, a.headers));
    await ok(hub.gql(loanMutation('dispatch'), { id: dispatched }, b.headers));
    expect((await refusal(hub.gql(`mutation ($id: ID!) { cancelResourceRequest(id: $id) { id } }`, { id: req }, b.headers))).code).toBe('FORBIDDEN');
    const cancelled = await ok(hub.gql(`mutation ($id: ID!) { cancelResourceRequest(id: $id) { status quantityFilled loans { id status } } }`, { id: req }, a.headers));
    expect(cancelled.cancelResourceRequest).toEqual({
      status: 'CANCELLED',
      quantityFilled: 4,
      loans: [
        { id: offered, status: 'DECLINED' },
        { id: accepted, status: 'CANCELLED' },
        { id: dispatched, status: 'DISPATCHED' },
      ],
    });
    expect([await available(hb), await available(hc)]).toEqual([6, 10]);
    expect(await refusal(hub.gql(`mutation ($id: ID!) { cancelResourceRequest(id: $id) { id } }`, { id: req }, a.headers))).toEqual({
      code: 'CONFLICT',
      reason: 'INVALID_STATE_TRANSITION',
    });
    await ok(hub.gql(loanMutation('return'), { id: dispatched }, b.headers));
    expect(await available(hb)).toBe(10);
    expect(await invariantViolations(hub.db)).toEqual([]);
  });

  it('closing the incident closes its requests: no new offers or acceptances, but loans can still come back', async () => {
    const [oa, ob] = [await createOrganisation(hub.db), await createOrganisation(hub.db)];
    const requester = await userSession(hub, 'LIAISON_OFFICER', oa.id);
    const lender = await userSession(hub, 'LIAISON_OFFICER', ob.id);
    const inc = await insertResourceIncident(hub.db, [oa.id, ob.id]);
    const t = await insertResourceType(hub.db);
    const h = await insertHolding(hub.db, ob.id, t, 5);
    const req = await createRequest(hub, requester.headers, { incidentId: inc, resourceTypeId: t, quantity: 4 });
    const out = await offer(hub, lender.headers, req, h, 2);
    const pending = await offer(hub, lender.headers, req, h, 1);
    await ok(hub.gql(loanMutation('accept'), { id: out }, requester.headers));
    await ok(hub.gql(loanMutation('dispatch'), { id: out }, lender.headers));
    await hub.db.query(`UPDATE incidents SET status = 'CLOSED', closed_at = now() WHERE id = $1`, [inc]);
    expect((await requestState(req, requester)).status).toBe('CLOSED');
    expect(await refusal(hub.gql(loanMutation('accept'), { id: pending }, requester.headers))).toEqual({ code: 'CONFLICT', reason: 'INCIDENT_CLOSED' });
    expect(await refusal(hub.gql(`mutation ($input: OfferResourceInput!) { offerResource(input: $input) { id } }`, { input: { requestId: req, holdingId: h, quantity: 1 } }, lender.headers))).toEqual({
      code: 'CONFLICT',
      reason: 'INCIDENT_CLOSED',
    });
    expect((await ok(hub.gql(loanMutation('return'), { id: out }, lender.headers))).r.status).toBe('RETURNED');
    expect(await available(h)).toBe(5);
  });
});

describe('matching', () => {
  it('ranks a nearer full holding above a farther one, a full one above a partial one, with the score explaining it', async () => {
    const t = await insertResourceType(hub.db);
    const orgs = await Promise.all([1, 2, 3, 4, 5].map(() => createOrganisation(hub.db)));
    const delivery = { latitude: 59.758, longitude: 18.705 }; // Norrtälje
    const nearFull = await insertHolding(hub.db, orgs[0].id, t, 6, { lat: 59.7, lng: 18.6 });
    const farFull = await insertHolding(hub.db, orgs[1].id, t, 50, { lat: 59.2, lng: 17.6 });
    const nearPartial = await insertHolding(hub.db, orgs[2].id, t, 3, { lat: 59.75, lng: 18.7 });
    const unknownFull = await insertHolding(hub.db, orgs[3].id, t, 9);
    await insertHolding(hub.db, orgs[4].id, t, 0, { lat: 59.75, lng: 18.7 }); // nothing available: not a match
    await insertHolding(hub.db, a.organisationId, t, 100, { lat: 59.75, lng: 18.7 }); // the requester's own: not a match
    const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: t, quantity: 5, deliveryLocation: delivery });
    const q = `query ($id: ID!) { resourceMatches(requestId: $id) { holding { id } quantityOffered distanceKm score } }`;
    const matches = (await ok(hub.gql(q, { id: req }, a.headers))).resourceMatches;
    expect(matches.map((m: { holding: { id: string } }) => m.holding.id)).toEqual([nearFull, farFull, unknownFull, nearPartial]);
    expect(matches.map((m: { quantityOffered: number }) => m.quantityOffered)).toEqual([5, 5, 5, 3]);
    expect(matches[0].distanceKm).toBeGreaterThan(5);
    expect(matches[0].distanceKm).toBeLessThan(10);
    expect(matches[1].distanceKm).toBeGreaterThan(60);
    expect(matches[2].distanceKm).toBeNull();
    for (const m of matches) expect(m.score).toBeCloseTo(matchScore(m.quantityOffered === 5, m.distanceKm), 6);
    const scores = matches.map((m: { score: number }) => m.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    // A coordinator may match too; another participant may not; a non-participant does not see the request.
    expect((await ok(hub.gql(q, { id: req }, coordinator.headers))).resourceMatches).toHaveLength(4);
    expect((await refusal(hub.gql(q, { id: req }, c.headers))).code).toBe('FORBIDDEN');
    expect((await refusal(hub.gql(q, { id: req }, d.headers))).code).toBe('NOT_FOUND');
  });
});

describe('subscriptions', () => {
  it('delivers request and loan changes after commit to those who see the incident, and nothing to others', async () => {
    const t = await insertResourceType(hub.db);
    const h = await insertHolding(hub.db, b.organisationId, t, 3);
    const participant = await WsClient.forToken(hub.url, c.accessToken);
    const outsider = await WsClient.forToken(hub.url, d.accessToken);
    try {
      const reqSub = await participant.subscribe(`subscription ($i: ID) { resourceRequestChanged(incidentId: $i) { id status quantityFilled resourceType { id } } }`, { i: incidentId });
      const loanSub = await participant.subscribe(`subscription { resourceLoanChanged { id status holding { quantityAvailable } request { id } } }`);
      const outsiderReq = await outsider.subscribe(`subscription { resourceRequestChanged { id } }`);
      const outsiderLoan = await outsider.subscribe(`subscription { resourceLoanChanged { id } }`, undefined, 50);
      const refused = await outsider.subscribe(`subscription ($i: ID) { resourceLoanChanged(incidentId: $i) { id } }`, { i: incidentId }, 50);

      const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: t, quantity: 2 });
      const firstEvent = await reqSub.next();
      expect(firstEvent.errors).toBeUndefined();
      expect(firstEvent.data?.resourceRequestChanged).toEqual({ id: req, status: 'OPEN', quantityFilled: 0, resourceType: { id: t } });
      const loan = await offer(hub, b.headers, req, h, 2);
      expect((await loanSub.next()).data?.resourceLoanChanged).toEqual({ id: loan, status: 'OFFERED', holding: { quantityAvailable: 3 }, request: { id: req } });
      // A refused change publishes nothing.
      expect((await refusal(hub.gql(loanMutation('dispatch'), { id: loan }, b.headers))).code).toBe('CONFLICT');
      await ok(hub.gql(loanMutation('accept'), { id: loan }, a.headers));
      expect((await loanSub.next()).data?.resourceLoanChanged).toEqual({ id: loan, status: 'ACCEPTED', holding: { quantityAvailable: 1 }, request: { id: req } });
      expect((await reqSub.next()).data?.resourceRequestChanged).toMatchObject({ id: req, status: 'FILLED', quantityFilled: 2 });
      expect(await loanSub.drain(300)).toEqual([]);
      expect(await outsiderReq.drain(0)).toEqual([]);
      expect(await outsiderLoan.drain(0)).toEqual([]);
      expect(refused.received[0]?.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    } finally {
      await participant.close();
      await outsider.close();
    }
  });
});

describe('access rules', () => {
  it("decide from an event's facts exactly as their statement decides: the subscriptions see what resourceRequest(id) shows", async () => {
    const t = await insertResourceType(hub.db);
    const h = await insertHolding(hub.db, b.organisationId, t, 3);
    const req = await createRequest(hub, a.headers, { incidentId, resourceTypeId: t, quantity: 1 });
    const loan = await offer(hub, b.headers, req, h, 1);
    const participants: string[] = (await hub.db.query(`SELECT organisation_id FROM incident_participants WHERE incident_id = $1`, [incidentId])).map(
      (r: { organisation_id: string }) => r.organisation_id,
    );
    const caller = (kind: Caller['kind'], role: Role, organisationId: string): Caller => ({
      kind,
      role,
      organisationId,
      userId: kind === 'user' ? '00000000-0000-4000-8000-000000000001' : null,
      apiKeyId: kind === 'apiKey' ? '00000000-0000-4000-8000-000000000002' : null,
      scopes: null,
    });
    const callers = [
      caller('user', Role.LIAISON_OFFICER, a.organisationId),
      caller('user', Role.VIEWER, c.organisationId),
      caller('user', Role.LIAISON_OFFICER, d.organisationId),
      caller('user', Role.COORDINATOR, d.organisationId),
      caller('user', Role.ADMIN, d.organisationId),
      caller('apiKey', Role.LIAISON_OFFICER, b.organisationId),
      caller('apiKey', Role.LIAISON_OFFICER, d.organisationId),
    ];
    for (const [permission, id] of [[Permission.RequestRead, req], [Permission.LoanRead, loan]] as const) {
      const rule = RESOURCE_ACCESS_RULES.find((r) => r.permission === permission)!;
      const answers = [];
      for (const p of callers) {
        const byStatement = (await rule.decide(p, [id], hub.db)).get(id) === true;
        const byFacts = rule.fromFacts!(p, { participantOrganisationIds: participants });
        answers.push([p.kind, p.role, p.organisationId, byFacts]);
        expect([permission, p.kind, p.role, p.organisationId, byFacts]).toEqual([permission, p.kind, p.role, p.organisationId, byStatement]);
      }
      // Both answers occur, so that agreeing is not agreeing on nothing.
      expect(new Set(answers.map((x) => x[3]))).toEqual(new Set([true, false]));
    }
  });
});

describe('demo region', () => {
  it('loads open, partly filled and filled requests with loans in every state, once, with quantities that add up', async () => {
    const { loadDemoRegion } = await import('../src/demo/seed-demo-region.js');
    const runner = hub.db.createQueryRunner();
    await runner.startTransaction();
    try {
      await loadDemoRegion(runner.manager);
      await loadDemoRegion(runner.manager);
      const requests: { status: string }[] = await runner.query(
        `SELECT r.status FROM resource_requests r JOIN incidents i ON i.id = r.incident_id WHERE i.reference = 'DEMO-0001' ORDER BY r.status`,
      );
      expect(requests.map((r) => r.status)).toEqual(['FILLED', 'OPEN', 'PARTIALLY_FILLED', 'PARTIALLY_FILLED']);
      const states: { status: string }[] = await runner.query(
        `SELECT DISTINCT l.status FROM resource_loans l JOIN resource_requests r ON r.id = l.request_id JOIN incidents i ON i.id = r.incident_id
          WHERE i.reference = 'DEMO-0001' ORDER BY 1`,
      );
      expect(states.map((s) => s.status)).toEqual(['ACCEPTED', 'CANCELLED', 'DECLINED', 'DISPATCHED', 'OFFERED', 'RETURNED', 'WITHDRAWN']);
      expect(await invariantViolations({ query: (q: string, p?: unknown[]) => runner.query(q, p) } as never)).toEqual([]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
