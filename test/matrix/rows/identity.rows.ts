import { createApiKey, createUser, TEST_PASSWORD, uniqueTag } from '../../support/factories.js';
import { outcomes, type MatrixRow } from '../matrix.types.js';

const ANY_PRINCIPAL = outcomes('OK', { anonymous: 'UNAUTHENTICATED', revokedKey: 'UNAUTHENTICATED', expiredToken: 'UNAUTHENTICATED' });
const USERS_ONLY = { ...ANY_PRINCIPAL, apiKeyScoped: 'FORBIDDEN', apiKeyUnscoped: 'FORBIDDEN' } as const;
const ADMIN_ONLY = outcomes('FORBIDDEN', { anonymous: 'UNAUTHENTICATED', revokedKey: 'UNAUTHENTICATED', expiredToken: 'UNAUTHENTICATED', admin: 'OK' });
const LIAISON_UP_USERS = { ...USERS_ONLY, viewer: 'FORBIDDEN' } as const;

/** Identity, directory and audit operations (issues 2 and 3). */
export const rows: MatrixRow[] = [
  { operation: 'Query.me', setup: async () => ({ query: `{ me { id } }` }), expect: USERS_ONLY },
  { operation: 'Query.organisations', setup: async () => ({ query: `{ organisations(first: 1) { totalCount } }` }), expect: ANY_PRINCIPAL },
  {
    operation: 'Query.organisation',
    setup: async (w) => ({ query: `query ($id: ID!) { organisation(id: $id) { id } }`, variables: { id: w.own.id } }),
    expect: ANY_PRINCIPAL,
  },
  { operation: 'Query.apiKeys', setup: async () => ({ query: `{ apiKeys { id } }` }), expect: LIAISON_UP_USERS },
  { operation: 'Query.auditEvents', setup: async () => ({ query: `{ auditEvents(first: 1) { totalCount } }` }), expect: USERS_ONLY },
  { operation: 'Query.verifyAuditChain', setup: async () => ({ query: `{ verifyAuditChain { valid } }` }), expect: ADMIN_ONLY },
  {
    operation: 'Mutation.login',
    setup: async (w) => {
      const user = await createUser(w.hub.db, w.own.id, 'VIEWER');
      return { query: `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, variables: { e: user.email, p: TEST_PASSWORD } };
    },
    expect: outcomes('OK', {}),
  },
  {
    operation: 'Mutation.refreshSession',
    setup: async (w) => ({
      query: `mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`,
      variables: { t: (await w.freshSession('VIEWER')).refreshToken },
    }),
    expect: outcomes('OK', {}),
  },
  {
    operation: 'Mutation.logout',
    setup: async (w) => ({ query: `mutation ($t: String!) { logout(refreshToken: $t) }`, variables: { t: (await w.freshSession('VIEWER')).refreshToken } }),
    expect: outcomes('OK', {}),
  },
  {
    operation: 'Mutation.changePassword',
    setup: async (w, who) => {
      const roles = { viewer: 'VIEWER', liaisonOwn: 'LIAISON_OFFICER', liaisonOther: 'LIAISON_OFFICER', coordinator: 'COORDINATOR', admin: 'ADMIN' } as const;
      const role = roles[who as keyof typeof roles];
      // Each user principal changes the password of a session of its own, not the shared one.
      const headers = role ? (await w.freshSession(role)).headers : undefined;
      return { query: `mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`, variables: { c: TEST_PASSWORD, n: `new-${TEST_PASSWORD}` }, headers };
    },
    expect: USERS_ONLY,
  },
  {
    operation: 'Mutation.createOrganisation',
    setup: async () => ({
      query: `mutation ($code: String!) { createOrganisation(input: { name: "Matrix org", code: $code, kind: OTHER }) { id } }`,
      variables: { code: `MX-${uniqueTag()}` },
    }),
    expect: ADMIN_ONLY,
  },
  {
    operation: 'Mutation.updateOrganisation',
    setup: async (w) => ({
      query: `mutation ($id: ID!) { updateOrganisation(id: $id, input: { dutyOfficerPhone: "+46 8 465 004 42" }) { id } }`,
      variables: { id: w.own.id },
    }),
    expect: { ...ADMIN_ONLY, liaisonOwn: 'OK' },
  },
  {
    operation: 'Mutation.createUser',
    setup: async (w) => ({
      query: `mutation ($e: String!, $o: ID!) { createUser(input: { email: $e, displayName: "Matrix", password: "a-long-enough-password", role: VIEWER, organisationId: $o }) { id } }`,
      variables: { e: `mx-${uniqueTag().toLowerCase()}@test.example`, o: w.own.id },
    }),
    expect: ADMIN_ONLY,
  },
  {
    operation: 'Mutation.updateUser',
    setup: async (w) => ({
      query: `mutation ($id: ID!) { updateUser(id: $id, input: { displayName: "Renamed" }) { id } }`,
      variables: { id: (await createUser(w.hub.db, w.own.id, 'VIEWER')).id },
    }),
    expect: ADMIN_ONLY,
  },
  {
    operation: 'Mutation.createApiKey',
    setup: async () => ({ query: `mutation { createApiKey(input: { name: "matrix", scopes: [INCIDENTS_READ] }) { secret } }` }),
    expect: LIAISON_UP_USERS,
  },
  {
    operation: 'Mutation.revokeApiKey',
    setup: async (w) => ({
      query: `mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`,
      variables: { id: (await createApiKey(w.hub.db, w.own.id, ['INCIDENTS_READ'])).id },
    }),
    expect: { ...LIAISON_UP_USERS, liaisonOther: 'NOT_FOUND', coordinator: 'NOT_FOUND' },
  },
];
