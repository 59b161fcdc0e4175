import { createOrganisation, type OrganisationRow } from '../support/factories.js';
import { insertIncident } from '../support/incident-fixtures.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The columns of the authorization matrix: every kind of principal the hub knows.
 * "own" is the organisation concerned by the row's fixtures; "other" takes no part in them.
 */
export const PRINCIPALS = [
  'anonymous',
  'viewer',
  'liaisonOwn',
  'liaisonOther',
  'coordinator',
  'admin',
  'apiKeyScoped',
  'apiKeyUnscoped',
  'revokedKey',
  'expiredToken',
] as const;
export type PrincipalKind = (typeof PRINCIPALS)[number];

/** OK: data and no error; otherwise the `extensions.code` of the first error. */
export type Expected = 'OK' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT';

export interface MatrixWorld {
  hub: TestApp;
  /** The organisation concerned: viewer, liaisonOwn and both API keys belong to it. */
  own: OrganisationRow;
  /** An organisation that takes part in nothing the fixtures make. */
  other: OrganisationRow;
  /** Request headers for each principal (anonymous: none). */
  headers: Record<PrincipalKind, Record<string, string>>;
  /** User ids, where the principal is a user. */
  userIds: Partial<Record<PrincipalKind, string>>;
  /** A fresh, logged-in user session of the own organisation with the given role (for rows that consume one). */
  freshSession(role: 'VIEWER' | 'LIAISON_OFFICER' | 'COORDINATOR' | 'ADMIN'): Promise<{ headers: Record<string, string>; refreshToken: string; userId: string }>;
}

export interface MatrixCall {
  query: string;
  variables?: Record<string, unknown>;
  /** Headers replacing the principal's (e.g. a row whose credential is in the arguments). */
  headers?: Record<string, string>;
}

export interface MatrixRow {
  /** `Query.x`, `Mutation.y` or `Subscription.z`, exactly as in the served schema. */
  operation: string;
  /** The scope the scoped API key gets for this row (the unscoped key gets none). */
  scope?: string;
  /** Makes fresh fixtures for one cell, as the given principal will see them, and returns the request. */
  setup(world: MatrixWorld, who: PrincipalKind): Promise<MatrixCall>;
  expect: Record<PrincipalKind, Expected>;
}

/** Shorthand: the same outcome for every principal but those listed. */
export function outcomes(base: Expected, overrides: Partial<Record<PrincipalKind, Expected>>): Record<PrincipalKind, Expected> {
  return Object.fromEntries(PRINCIPALS.map((p) => [p, overrides[p] ?? base])) as Record<PrincipalKind, Expected>;
}

/** Credentials that do not hold: anonymous, a revoked key, an expired token. */
export const REFUSED_CREDENTIALS = { anonymous: 'UNAUTHENTICATED', revokedKey: 'UNAUTHENTICATED', expiredToken: 'UNAUTHENTICATED' } as const;

/** Reading what lives in an incident: whoever sees it ("other" does not: NOT_FOUND); keys need the row's scope. */
export const SEES_INCIDENT = outcomes('OK', { ...REFUSED_CREDENTIALS, liaisonOther: 'NOT_FOUND', apiKeyUnscoped: 'FORBIDDEN' });

/**
 * Acting in an incident for the own organisation: a participant's LIAISON_OFFICER and up; a
 * COORDINATOR or ADMIN of an organisation taking no part sees the incident but may not.
 */
export const PARTICIPANT_WRITE = outcomes('OK', {
  ...REFUSED_CREDENTIALS,
  viewer: 'FORBIDDEN',
  liaisonOther: 'NOT_FOUND',
  coordinator: 'FORBIDDEN',
  admin: 'FORBIDDEN',
  apiKeyUnscoped: 'FORBIDDEN',
});

/** An incident in which the own organisation and a fresh partner take part (the own one leads); "other" takes no part. */
export async function incidentWithPartner(w: MatrixWorld) {
  const partner = await createOrganisation(w.hub.db);
  const incident = await insertIncident(w.hub.db, [w.own.id, partner.id]);
  return { partner, incident };
}
