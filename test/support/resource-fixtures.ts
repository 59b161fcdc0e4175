import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { verifyInvariants } from '../../src/verify/invariants.js';
import { insertIncident } from './incident-fixtures.js';
import type { GraphqlResponse, TestApp } from './test-app.js';

/** An incident written straight to the database, led by the first organisation, the others taking part. */
export async function insertResourceIncident(db: DataSource, organisationIds: string[], status: 'ACTIVE' | 'CLOSED' = 'ACTIVE'): Promise<string> {
  return (await insertIncident(db, organisationIds, { status })).id;
}

export async function insertResourceType(db: DataSource, category = 'EQUIPMENT'): Promise<string> {
  const code = `RT-${randomBytes(5).toString('hex').toUpperCase()}`;
  const [row] = await db.query(`INSERT INTO resource_types (code, name, category, unit) VALUES ($1, $1, $2, 'pcs') RETURNING id`, [code, category]);
  return row.id;
}

export async function insertHolding(db: DataSource, organisationId: string, resourceTypeId: string, total: number, at?: { lat: number; lng: number }): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO resource_holdings (organisation_id, resource_type_id, quantity_total, latitude, longitude) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [organisationId, resourceTypeId, total, at?.lat ?? null, at?.lng ?? null],
  );
  return row.id;
}

/** The data of a GraphQL call that must succeed; the errors in the exception otherwise. */
export async function ok<T = any>(p: Promise<GraphqlResponse<any>>): Promise<T> {
  const res = await p;
  if (res.body.errors?.length || !res.body.data) throw new Error(`GraphQL error: ${JSON.stringify(res.body.errors)}`);
  return res.body.data as T;
}

/** The first error's code and CONFLICT reason, for asserting what a refused call tells the user. */
export async function refusal(p: Promise<GraphqlResponse<any>>): Promise<{ code?: string; reason?: string }> {
  const res = await p;
  const e = res.body.errors?.[0];
  return { code: e?.extensions.code, reason: e?.extensions.reason };
}

export const REQUEST = `mutation ($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) { id status quantityRequested quantityFilled } }`;
export const OFFER = `mutation ($input: OfferResourceInput!) { offerResource(input: $input) { id status quantity } }`;
export const LOAN_MUTATIONS = {
  accept: 'acceptResourceOffer',
  decline: 'declineResourceOffer',
  withdraw: 'withdrawResourceOffer',
  cancel: 'cancelResourceLoan',
  dispatch: 'dispatchResourceLoan',
  return: 'returnResourceLoan',
} as const;
export type LoanActionName = keyof typeof LOAN_MUTATIONS;

export function loanMutation(action: LoanActionName): string {
  return `mutation ($id: ID!) { r: ${LOAN_MUTATIONS[action]}(loanId: $id) { id status quantity } }`;
}

export async function createRequest(hub: TestApp, headers: Record<string, string>, input: Record<string, unknown>): Promise<string> {
  return (await ok(hub.gql(REQUEST, { input }, headers))).createResourceRequest.id;
}

export async function offer(hub: TestApp, headers: Record<string, string>, requestId: string, holdingId: string, quantity: number): Promise<string> {
  return (await ok(hub.gql(OFFER, { input: { requestId, holdingId, quantity } }, headers))).offerResource.id;
}

/** Violations of invariants 1–3 (quantities and loans), recomputed from the loans by `npm run verify`'s checker. */
export async function invariantViolations(db: DataSource): Promise<string[]> {
  return (await verifyInvariants(db)).filter((v) => v.invariant <= 3).map((v) => v.entity);
}
