import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createOrganisation, uniqueTag } from '../../support/factories.js';
import { outcomes, REFUSED_CREDENTIALS, SEES_INCIDENT, type Expected, type MatrixRow, type MatrixWorld, type PrincipalKind } from '../matrix.types.js';

/*
 * Resources (issue 5). Each cell gets fresh rows: an incident in which the own organisation and
 * a lender organisation take part ("other" takes part in nothing, so it sees none of it), a
 * resource type, holdings and, where the row needs one, a request and a loan in the right state.
 */

const ANY_PRINCIPAL = outcomes('OK', { ...REFUSED_CREDENTIALS, apiKeyUnscoped: 'FORBIDDEN' });
/** The requesting side: the own organisation's liaison officers and keys, coordinators (and admins). */
const REQUESTER_SIDE: Record<PrincipalKind, Expected> = { ...SEES_INCIDENT, viewer: 'FORBIDDEN' };
/** The lending side: only the own organisation, which lends here. */
const LENDER_SIDE: Record<PrincipalKind, Expected> = { ...REQUESTER_SIDE, coordinator: 'FORBIDDEN', admin: 'FORBIDDEN' };

interface Fixture {
  incidentId: string;
  typeId: string;
  lenderOrgId: string;
  ownHolding: string;
  lenderHolding: string;
}

async function fixture(w: MatrixWorld): Promise<Fixture> {
  const db = w.hub.db;
  const lender = await createOrganisation(db);
  const reference = `MXR-${randomBytes(5).toString('hex').toUpperCase()}`;
  const [incident] = await db.query(
    `INSERT INTO incidents (reference, title, description, category, lead_organisation_id) VALUES ($1, $1, 'Matrix', 'STORM', $2) RETURNING id`,
    [reference, w.own.id],
  );
  await db.query(`INSERT INTO incident_participants (incident_id, organisation_id, lead) VALUES ($1, $2, true), ($1, $3, false)`, [incident.id, w.own.id, lender.id]);
  const [type] = await db.query(`INSERT INTO resource_types (code, name, category, unit) VALUES ($1, $1, 'EQUIPMENT', 'pcs') RETURNING id`, [`MXR-${uniqueTag()}`]);
  const holding = async (org: string) =>
    (await db.query(`INSERT INTO resource_holdings (organisation_id, resource_type_id, quantity_total) VALUES ($1, $2, 10) RETURNING id`, [org, type.id]))[0].id;
  return { incidentId: incident.id, typeId: type.id, lenderOrgId: lender.id, ownHolding: await holding(w.own.id), lenderHolding: await holding(lender.id) };
}

async function insertRequest(db: DataSource, f: Fixture, requestingOrgId: string): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO resource_requests (incident_id, requesting_organisation_id, resource_type_id, quantity_requested) VALUES ($1, $2, $3, 5) RETURNING id`,
    [f.incidentId, requestingOrgId, f.typeId],
  );
  return row.id;
}

/** A loan moved through the database's own transitions (the triggers keep the counters). */
async function insertLoan(db: DataSource, requestId: string, holdingId: string, lenderOrgId: string, state: 'OFFERED' | 'ACCEPTED' | 'DISPATCHED'): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO resource_loans (request_id, holding_id, lending_organisation_id, quantity) VALUES ($1, $2, $3, 2) RETURNING id`,
    [requestId, holdingId, lenderOrgId],
  );
  if (state !== 'OFFERED') await db.query(`UPDATE resource_loans SET status = 'ACCEPTED', accepted_at = now() WHERE id = $1`, [row.id]);
  if (state === 'DISPATCHED') await db.query(`UPDATE resource_loans SET status = 'DISPATCHED', dispatched_at = now() WHERE id = $1`, [row.id]);
  return row.id;
}

/** The own organisation asks, the lender organisation has offered. */
async function ownRequestsLoan(w: MatrixWorld, state: 'OFFERED' | 'ACCEPTED'): Promise<string> {
  const f = await fixture(w);
  const request = await insertRequest(w.hub.db, f, w.own.id);
  return insertLoan(w.hub.db, request, f.lenderHolding, f.lenderOrgId, state);
}

/** The lender organisation asks, the own organisation has offered. */
async function ownLendsLoan(w: MatrixWorld, state: 'OFFERED' | 'ACCEPTED' | 'DISPATCHED'): Promise<string> {
  const f = await fixture(w);
  const request = await insertRequest(w.hub.db, f, f.lenderOrgId);
  return insertLoan(w.hub.db, request, f.ownHolding, w.own.id, state);
}

const loanRow = (operation: string, mutation: string, make: (w: MatrixWorld) => Promise<string>, expect: Record<PrincipalKind, Expected>): MatrixRow => ({
  operation,
  scope: 'RESOURCES_WRITE',
  setup: async (w) => ({ query: `mutation ($id: ID!) { ${mutation}(loanId: $id) { id status } }`, variables: { id: await make(w) } }),
  expect,
});

export const rows: MatrixRow[] = [
  {
    operation: 'Query.resourceTypes',
    scope: 'RESOURCES_READ',
    setup: async () => ({ query: `{ resourceTypes { id code } }` }),
    expect: ANY_PRINCIPAL,
  },
  {
    operation: 'Query.resourceHoldings',
    scope: 'RESOURCES_READ',
    setup: async (w) => ({ query: `query ($o: ID) { resourceHoldings(organisationId: $o) { id quantityAvailable } }`, variables: { o: w.own.id } }),
    expect: ANY_PRINCIPAL,
  },
  {
    operation: 'Query.resourceRequests',
    scope: 'RESOURCES_READ',
    setup: async () => ({ query: `{ resourceRequests(first: 5) { totalCount nodes { id } } }` }),
    expect: ANY_PRINCIPAL,
  },
  {
    operation: 'Query.resourceRequest',
    scope: 'RESOURCES_READ',
    setup: async (w) => {
      const f = await fixture(w);
      return { query: `query ($id: ID!) { resourceRequest(id: $id) { id status } }`, variables: { id: await insertRequest(w.hub.db, f, w.own.id) } };
    },
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Query.resourceMatches',
    scope: 'RESOURCES_READ',
    setup: async (w) => {
      const f = await fixture(w);
      return { query: `query ($id: ID!) { resourceMatches(requestId: $id) { quantityOffered score } }`, variables: { id: await insertRequest(w.hub.db, f, w.own.id) } };
    },
    expect: REQUESTER_SIDE,
  },
  {
    operation: 'Mutation.createResourceType',
    scope: 'RESOURCES_WRITE',
    setup: async () => ({
      query: `mutation ($code: String!) { createResourceType(input: { code: $code, name: "Matrix type", category: SUPPLIES, unit: "pcs" }) { id } }`,
      variables: { code: `MXT-${uniqueTag()}` },
    }),
    expect: outcomes('FORBIDDEN', { ...REFUSED_CREDENTIALS, coordinator: 'OK', admin: 'OK' }),
  },
  {
    operation: 'Mutation.setResourceHolding',
    scope: 'RESOURCES_WRITE',
    setup: async (w) => {
      const [type] = await w.hub.db.query(`INSERT INTO resource_types (code, name, category, unit) VALUES ($1, $1, 'SUPPLIES', 'pcs') RETURNING id`, [`MXH-${uniqueTag()}`]);
      return {
        query: `mutation ($o: ID, $t: ID!) { setResourceHolding(input: { organisationId: $o, resourceTypeId: $t, quantityTotal: 7 }) { id } }`,
        variables: { o: w.own.id, t: type.id },
      };
    },
    // For the own organisation: its liaison officers and keys, and ADMIN for any organisation.
    expect: { ...LENDER_SIDE, admin: 'OK', liaisonOther: 'FORBIDDEN' },
  },
  {
    operation: 'Mutation.createResourceRequest',
    scope: 'RESOURCES_WRITE',
    setup: async (w) => {
      const f = await fixture(w);
      return {
        query: `mutation ($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) { id } }`,
        variables: { input: { incidentId: f.incidentId, resourceTypeId: f.typeId, quantity: 2 } },
      };
    },
    // A participant for its own organisation: coordinators and admins see the incident but take no part.
    expect: LENDER_SIDE,
  },
  {
    operation: 'Mutation.cancelResourceRequest',
    scope: 'RESOURCES_WRITE',
    setup: async (w) => {
      const f = await fixture(w);
      return { query: `mutation ($id: ID!) { cancelResourceRequest(id: $id) { id status } }`, variables: { id: await insertRequest(w.hub.db, f, w.own.id) } };
    },
    expect: REQUESTER_SIDE,
  },
  {
    operation: 'Mutation.offerResource',
    scope: 'RESOURCES_WRITE',
    setup: async (w) => {
      const f = await fixture(w);
      const request = await insertRequest(w.hub.db, f, f.lenderOrgId);
      return {
        query: `mutation ($input: OfferResourceInput!) { offerResource(input: $input) { id status } }`,
        variables: { input: { requestId: request, holdingId: f.ownHolding, quantity: 1 } },
      };
    },
    expect: LENDER_SIDE,
  },
  loanRow('Mutation.acceptResourceOffer', 'acceptResourceOffer', (w) => ownRequestsLoan(w, 'OFFERED'), REQUESTER_SIDE),
  loanRow('Mutation.declineResourceOffer', 'declineResourceOffer', (w) => ownRequestsLoan(w, 'OFFERED'), REQUESTER_SIDE),
  loanRow('Mutation.cancelResourceLoan', 'cancelResourceLoan', (w) => ownRequestsLoan(w, 'ACCEPTED'), REQUESTER_SIDE),
  loanRow('Mutation.withdrawResourceOffer', 'withdrawResourceOffer', (w) => ownLendsLoan(w, 'OFFERED'), LENDER_SIDE),
  loanRow('Mutation.dispatchResourceLoan', 'dispatchResourceLoan', (w) => ownLendsLoan(w, 'ACCEPTED'), LENDER_SIDE),
  loanRow('Mutation.returnResourceLoan', 'returnResourceLoan', (w) => ownLendsLoan(w, 'DISPATCHED'), LENDER_SIDE),
  {
    operation: 'Subscription.resourceRequestChanged',
    scope: 'RESOURCES_READ',
    setup: async (w) => ({ query: `subscription ($i: ID) { resourceRequestChanged(incidentId: $i) { id } }`, variables: { i: (await fixture(w)).incidentId } }),
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Subscription.resourceLoanChanged',
    scope: 'RESOURCES_READ',
    setup: async (w) => ({ query: `subscription ($i: ID) { resourceLoanChanged(incidentId: $i) { id } }`, variables: { i: (await fixture(w)).incidentId } }),
    expect: SEES_INCIDENT,
  },
];
