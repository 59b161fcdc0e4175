import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, createUser, login, uniqueTag, userSession, type Session, type TestUser } from './support/factories.js';
import { insertIncident } from './support/incident-fixtures.js';
import { insertLink } from './support/link-fixtures.js';
import { insertLogEntry, insertMeeting } from './support/log-fixtures.js';
import { createRequest, insertHolding, insertResourceType } from './support/resource-fixtures.js';
import { startTestApp, type GraphqlResponse, type TestApp } from './support/test-app.js';

/**
 * Issue 7, "input limits everywhere": for every input field of every operation with a limit,
 * one request exactly at the limit is accepted and one just past it is refused with
 * BAD_USER_INPUT naming the field. One table row per (operation, field, limit).
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A string of exactly n characters, unique per call (names and codes are unique in places). */
function str(n: number): string {
  const tag = uniqueTag();
  return n <= tag.length ? tag.slice(0, n) : tag + 'x'.repeat(n - tag.length);
}
function code(n: number): string {
  const tag = uniqueTag();
  return (tag + 'C'.repeat(Math.max(0, n - tag.length))).slice(0, n);
}
/** A valid address of exactly n characters (n ≥ 200): 64-character local part, labels of at most 63. */
function email(n: number): string {
  const local = (uniqueTag() + 'a'.repeat(64)).slice(0, 64).toLowerCase();
  const rest = n - 65 - 128 - 4; // two 63-character labels with their dots, then "<label>.com"
  return `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(rest)}.com`;
}
/** The longest phone number PHONE_PATTERN takes: 19 digits, 38 characters; `extra` digits more. */
function phone(extra = 0): string {
  return '+4' + ' 6'.repeat(18 + extra);
}
const at = (offsetMs: number) => () => new Date(Date.now() + offsetMs).toISOString();

type Value = unknown | (() => unknown);
/** Leaves the operation's own (valid) value in place. */
const KEEP = Symbol('keep');
interface Op {
  name: string;
  query: string;
  /** Variables that make the operation succeed; the row's path is then set to its value. */
  vars: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  headers: () => Record<string, string> | Promise<Record<string, string>>;
  /** The operation cannot succeed with made-up values (credentials): accepted means "not BAD_USER_INPUT". */
  acceptedIsNotBadInput?: boolean;
}
interface Row {
  op: Op;
  path: string;
  at: Value;
  past: Value;
  /** The field named in validationErrors, when it is not the path. */
  field?: string;
  label?: string;
}

function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys[keys.length - 1]] = value;
}

describe('input limits: at the limit accepted, one past refused with BAD_USER_INPUT naming the field', () => {
  let hub: TestApp;
  let admin: TestUser & Session;
  let a: TestUser & Session; // LIAISON_OFFICER of the organisation leading the incidents
  let b: TestUser & Session; // LIAISON_OFFICER of a partner
  let hundred: string[]; // 100 active organisations besides a's and b's
  let incidentId: string; // a (lead) and b
  let bigIncidentId: string; // a (lead), b and the hundred
  let typeId: string;
  let holdingTypeId: string;
  let holdingB: string;
  let longEmail: string;

  beforeAll(async () => {
    hub = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_MAX_ADDRESS_FAILURES: '100000', LOGIN_MAX_ACCOUNT_FAILURES: '1000' });
    admin = await userSession(hub, 'ADMIN');
    a = await userSession(hub, 'LIAISON_OFFICER');
    b = await userSession(hub, 'LIAISON_OFFICER');
    hundred = [];
    for (let i = 0; i < 100; i++) hundred.push((await createOrganisation(hub.db)).id);
    incidentId = (await insertIncident(hub.db, [a.organisationId, b.organisationId])).id;
    bigIncidentId = (await insertIncident(hub.db, [a.organisationId, b.organisationId, ...hundred])).id;
    typeId = await insertResourceType(hub.db);
    holdingTypeId = await insertResourceType(hub.db);
    holdingB = await insertHolding(hub.db, b.organisationId, typeId, 1_000_000);
    longEmail = email(254);
    await createUser(hub.db, a.organisationId, 'VIEWER', { email: longEmail });
  });
  afterAll(() => hub.close());

  const asAdmin = () => admin.headers;
  const asA = () => a.headers;
  const asB = () => b.headers;

  // ------------------------------------------------------------------ operations

  const loginOp: Op = {
    name: 'login',
    query: `mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`,
    vars: () => ({ email: longEmail, password: 'correct-horse-battery-staple' }),
    headers: () => ({}),
  };
  const loginWrong: Op = { ...loginOp, acceptedIsNotBadInput: true };
  const refreshOp: Op = {
    name: 'refreshSession',
    query: `mutation ($refreshToken: String!) { refreshSession(refreshToken: $refreshToken) { accessToken } }`,
    vars: () => ({ refreshToken: 'x' }),
    headers: () => ({}),
    acceptedIsNotBadInput: true,
  };
  const logoutOp: Op = { ...refreshOp, name: 'logout', query: `mutation ($refreshToken: String!) { logout(refreshToken: $refreshToken) }` };
  const changePasswordOp: Op = {
    name: 'changePassword',
    query: `mutation ($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }`,
    vars: () => ({ currentPassword: 'correct-horse-battery-staple', newPassword: 'a-new-long-enough-password' }),
    // Each call as a new user: an accepted change would otherwise change the next row's password.
    headers: async () => (await userSession(hub, 'VIEWER')).headers,
  };
  const LONG_PASSWORD = 'c'.repeat(200);
  const changeLongPasswordOp: Op = {
    ...changePasswordOp,
    vars: () => ({ currentPassword: LONG_PASSWORD, newPassword: 'a-new-long-enough-password' }),
    // A user whose password is exactly as long as a password may be.
    headers: async () => {
      const email = `${uniqueTag().toLowerCase()}@test.example`;
      const created = await hub.gql(
        `mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }`,
        { input: { email, displayName: 'Long password', password: LONG_PASSWORD, role: 'VIEWER', organisationId: b.organisationId } },
        admin.headers,
      );
      expect(created.body.errors).toBeUndefined();
      return (await login(hub, email, LONG_PASSWORD)).headers;
    },
  };
  const createOrganisationOp: Op = {
    name: 'createOrganisation',
    query: `mutation ($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }`,
    vars: () => ({ input: { name: str(20), code: code(12), kind: 'OTHER' } }),
    headers: asAdmin,
  };
  const updateOrganisationOp: Op = {
    name: 'updateOrganisation',
    query: `mutation ($id: ID!, $input: UpdateOrganisationInput!) { updateOrganisation(id: $id, input: $input) { id } }`,
    vars: async () => ({ id: (await createOrganisation(hub.db)).id, input: {} }),
    headers: asAdmin,
  };
  const organisationsOp: Op = {
    name: 'organisations',
    query: `query ($search: String, $kind: [OrganisationKind!], $first: Int) { organisations(search: $search, kind: $kind, first: $first) { totalCount } }`,
    vars: () => ({}),
    headers: asA,
  };
  const organisationOp: Op = { name: 'organisation', query: `query ($id: ID!) { organisation(id: $id) { id } }`, vars: () => ({ id: a.organisationId }), headers: asA };
  const createUserOp: Op = {
    name: 'createUser',
    query: `mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }`,
    vars: () => ({ input: { email: `${uniqueTag().toLowerCase()}@test.example`, displayName: 'New user', password: 'a-long-enough-password', role: 'VIEWER', organisationId: b.organisationId } }),
    headers: asAdmin,
  };
  const updateUserOp: Op = {
    name: 'updateUser',
    query: `mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }`,
    vars: async () => ({ id: (await createUser(hub.db, b.organisationId, 'VIEWER')).id, input: {} }),
    headers: asAdmin,
  };
  const createApiKeyOp: Op = {
    name: 'createApiKey',
    query: `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    vars: () => ({ input: { name: 'limits', scopes: ['INCIDENTS_READ'] } }),
    headers: asA,
  };
  const apiKeysOp: Op = { name: 'apiKeys', query: `query ($organisationId: ID) { apiKeys(organisationId: $organisationId) { id } }`, vars: () => ({}), headers: asAdmin };
  const auditEventsOp: Op = {
    name: 'auditEvents',
    query: `query ($filter: AuditEventFilter, $first: Int) { auditEvents(filter: $filter, first: $first) { totalCount } }`,
    vars: () => ({ filter: {} }),
    headers: asAdmin,
  };
  const createIncidentOp: Op = {
    name: 'createIncident',
    query: `mutation ($input: CreateIncidentInput!) { createIncident(input: $input) { id } }`,
    vars: () => ({ input: { title: 'Limits', description: 'Limits', category: 'OTHER', exercise: true } }),
    headers: asA,
  };
  const updateIncidentOp: Op = {
    name: 'updateIncident',
    query: `mutation ($id: ID!, $input: UpdateIncidentInput!) { updateIncident(id: $id, input: $input) { id } }`,
    vars: () => ({ id: incidentId, input: {} }),
    headers: asA,
  };
  const incidentsOp: Op = {
    name: 'incidents',
    query: `query ($filter: IncidentFilter, $first: Int) { incidents(filter: $filter, first: $first) { totalCount } }`,
    vars: () => ({ filter: {} }),
    headers: asA,
  };
  const addParticipantOp: Op = {
    name: 'addIncidentParticipant',
    query: `mutation ($incidentId: ID!, $organisationId: ID!) { addIncidentParticipant(incidentId: $incidentId, organisationId: $organisationId) { id } }`,
    vars: async () => ({ incidentId, organisationId: (await createOrganisation(hub.db)).id }),
    headers: asA,
  };
  const reportsOfIncidentOp: Op = {
    name: 'Incident.situationReports',
    query: `query ($id: ID!, $first: Int, $organisationId: ID) { incident(id: $id) { situationReports(first: $first, organisationId: $organisationId) { totalCount } } }`,
    vars: () => ({ id: incidentId }),
    headers: asA,
  };
  const submitReportOp: Op = {
    name: 'submitSituationReport',
    query: `mutation ($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { id } }`,
    vars: () => ({ input: { incidentId, operationalStatus: 'NORMAL', situation: 'Lugnt läge.', visibility: 'ALL_PARTICIPANTS' } }),
    headers: asA,
  };
  const restrictedReportOp: Op = {
    ...submitReportOp,
    vars: () => ({ input: { incidentId: bigIncidentId, operationalStatus: 'NORMAL', situation: 'Begränsad.', visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId] } }),
  };
  const pictureOp: Op = { name: 'operationalPicture', query: `query ($incidentId: ID!) { operationalPicture(incidentId: $incidentId) { generatedAt } }`, vars: () => ({ incidentId }), headers: asA };
  const createTypeOp: Op = {
    name: 'createResourceType',
    query: `mutation ($input: CreateResourceTypeInput!) { createResourceType(input: $input) { id } }`,
    vars: () => ({ input: { code: code(12), name: 'Limits type', category: 'SUPPLIES', unit: 'pcs' } }),
    headers: asAdmin,
  };
  const setHoldingOp: Op = {
    name: 'setResourceHolding',
    query: `mutation ($input: SetResourceHoldingInput!) { setResourceHolding(input: $input) { id } }`,
    vars: () => ({ input: { resourceTypeId: holdingTypeId, quantityTotal: 5 } }),
    headers: asB,
  };
  const createRequestOp: Op = {
    name: 'createResourceRequest',
    query: `mutation ($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) { id } }`,
    vars: () => ({ input: { incidentId, resourceTypeId: typeId, quantity: 1 } }),
    headers: asA,
  };
  const offerOp: Op = {
    name: 'offerResource',
    query: `mutation ($input: OfferResourceInput!) { offerResource(input: $input) { id } }`,
    vars: async () => ({ input: { requestId: await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: 1_000_000 }), holdingId: holdingB, quantity: 1 } }),
    headers: asB,
  };
  const requestsOp: Op = {
    name: 'resourceRequests',
    query: `query ($filter: ResourceRequestFilter, $first: Int) { resourceRequests(filter: $filter, first: $first) { totalCount } }`,
    vars: () => ({ filter: {} }),
    headers: asA,
  };
  const matchesOp: Op = {
    name: 'resourceMatches',
    query: `query ($requestId: ID!, $first: Int) { resourceMatches(requestId: $requestId, first: $first) { __typename } }`,
    vars: async () => ({ requestId: await createRequest(hub, a.headers, { incidentId, resourceTypeId: typeId, quantity: 1 }) }),
    headers: asA,
  };
  const proposeOp: Op = {
    name: 'proposeCommunicationLink',
    query: `mutation ($input: ProposeCommunicationLinkInput!) { proposeCommunicationLink(input: $input) { id } }`,
    vars: () => ({ input: { incidentId: bigIncidentId, name: 'Limits link', channel: 'RAKEL_TALKGROUP', address: `RG ${uniqueTag()}`, participantOrganisationIds: [b.organisationId] } }),
    headers: asA,
  };
  const respondOp: Op = {
    name: 'respondToCommunicationLink',
    query: `mutation ($input: RespondToCommunicationLinkInput!) { respondToCommunicationLink(input: $input) { id } }`,
    vars: async () => ({ input: { linkId: await insertLink(hub.db, incidentId, a.organisationId, [b.organisationId]), accept: true } }),
    headers: asB,
  };
  const linksOfIncidentOp: Op = {
    name: 'Incident.communicationLinks',
    query: `query ($id: ID!, $status: [CommunicationLinkStatus!]) { incident(id: $id) { communicationLinks(status: $status) { id } } }`,
    vars: () => ({ id: incidentId }),
    headers: asA,
  };

  const writeLogEntryOp: Op = {
    name: 'writeLogEntry',
    query: `mutation ($input: WriteLogEntryInput!) { writeLogEntry(input: $input) { id } }`,
    vars: () => ({ input: { incidentId, kind: 'ACTION', title: 'Limits entry', visibility: 'ALL_PARTICIPANTS', responsibleOrganisationId: a.organisationId } }),
    headers: asA,
  };
  const followUpOp: Op = {
    name: 'followUpLogEntry',
    query: `mutation ($input: FollowUpLogEntryInput!) { followUpLogEntry(input: $input) { id } }`,
    vars: async () => ({ input: { entryId: await insertLogEntry(hub.db, incidentId, a.organisationId, { kind: 'ACTION' }), note: 'Uppföljt' } }),
    headers: asA,
  };
  const scheduleMeetingOp: Op = {
    name: 'scheduleMeeting',
    query: `mutation ($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`,
    vars: () => ({ input: { incidentId, kind: 'STAFF_MEETING', title: 'Stabsmöte', startsAt: new Date(Date.now() + DAY).toISOString() } }),
    headers: asA,
  };
  const closeMeetingOp: Op = {
    name: 'closeMeeting',
    query: `mutation ($input: CloseMeetingInput!) { closeMeeting(input: $input) { id } }`,
    vars: async () => ({ input: { meetingId: await insertMeeting(hub.db, incidentId, a.organisationId, { kind: 'STAFF_MEETING', status: 'IN_PROGRESS' }), summary: 'Sammanfattning' } }),
    headers: asA,
  };

  const UUID = '00000000-0000-4000-8000-000000000000';
  const rows: Row[] = [
    // identity
    { op: loginOp, path: 'email', at: () => longEmail, past: () => `x${longEmail}` },
    { op: loginWrong, path: 'password', at: 'p'.repeat(200), past: 'p'.repeat(201) },
    { op: refreshOp, path: 'refreshToken', at: 'r'.repeat(200), past: 'r'.repeat(201) },
    { op: logoutOp, path: 'refreshToken', at: 'r'.repeat(200), past: 'r'.repeat(201) },
    { op: changePasswordOp, path: 'newPassword', at: 'n'.repeat(200), past: 'n'.repeat(201) },
    { op: changePasswordOp, path: 'newPassword', at: 'n'.repeat(12), past: 'n'.repeat(11), label: 'minimum' },
    { op: changeLongPasswordOp, path: 'currentPassword', at: LONG_PASSWORD, past: 'c'.repeat(201) },
    { op: createOrganisationOp, path: 'input.name', at: () => str(200), past: () => str(201) },
    { op: createOrganisationOp, path: 'input.name', at: () => str(2), past: '  ', label: 'blank' },
    { op: createOrganisationOp, path: 'input.code', at: () => code(50), past: () => code(51) },
    { op: createOrganisationOp, path: 'input.dutyOfficerPhone', at: phone(), past: phone(1) },
    { op: createOrganisationOp, path: 'input.dutyOfficerPhone', at: '+46 8 465 004 99', past: '+46 8 CALL ME', label: 'format' },
    { op: createOrganisationOp, path: 'input.email', at: () => email(254), past: () => email(255) },
    { op: createOrganisationOp, path: 'input.email', at: 'duty@org.example', past: 'duty at org.example', label: 'format' },
    { op: createOrganisationOp, path: 'input.name', at: () => str(20), past: 'nul\u0000byte', label: 'NUL character' },
    { op: updateOrganisationOp, path: 'input.name', at: () => str(200), past: () => str(201) },
    { op: updateOrganisationOp, path: 'input.dutyOfficerPhone', at: phone(), past: phone(1) },
    { op: updateOrganisationOp, path: 'input.email', at: () => email(254), past: () => email(255) },
    { op: updateOrganisationOp, path: 'id', at: KEEP, past: 'not-a-uuid', label: 'UUID' },
    { op: organisationsOp, path: 'search', at: 's'.repeat(100), past: 's'.repeat(101) },
    { op: organisationsOp, path: 'kind', at: Array(20).fill('OTHER'), past: Array(21).fill('OTHER') },
    { op: organisationsOp, path: 'first', at: 100, past: 101 },
    { op: organisationsOp, path: 'first', at: 1, past: 0, label: 'minimum' },
    { op: organisationOp, path: 'id', at: () => a.organisationId, past: "1' OR '1'='1", label: 'UUID' },
    { op: createUserOp, path: 'input.email', at: () => email(254), past: () => email(255) },
    { op: createUserOp, path: 'input.email', at: () => `${uniqueTag().toLowerCase()}@test.example`, past: 'no-at-sign.example', label: 'format' },
    { op: createUserOp, path: 'input.displayName', at: 'd'.repeat(200), past: 'd'.repeat(201) },
    { op: createUserOp, path: 'input.displayName', at: 'd', past: ' \t ', label: 'blank' },
    { op: createUserOp, path: 'input.password', at: 'p'.repeat(200), past: 'p'.repeat(201) },
    { op: createUserOp, path: 'input.password', at: 'p'.repeat(12), past: 'p'.repeat(11), label: 'minimum' },
    { op: createUserOp, path: 'input.organisationId', at: () => b.organisationId, past: 'b', label: 'UUID' },
    { op: updateUserOp, path: 'input.displayName', at: 'd'.repeat(200), past: 'd'.repeat(201) },
    { op: createApiKeyOp, path: 'input.name', at: 'k'.repeat(100), past: 'k'.repeat(101) },
    {
      op: createApiKeyOp,
      path: 'input.scopes',
      at: ['INCIDENTS_READ', 'REPORTS_READ', 'REPORTS_WRITE', 'RESOURCES_READ', 'RESOURCES_WRITE', 'LINKS_READ', 'LINKS_WRITE', 'LOG_READ', 'LOG_WRITE', 'WEBHOOKS_MANAGE'],
      past: Array(11).fill('INCIDENTS_READ'),
    },
    { op: createApiKeyOp, path: 'input.scopes', at: ['INCIDENTS_READ'], past: [], label: 'minimum' },
    { op: createApiKeyOp, path: 'input.expiresAt', at: at(MINUTE), past: at(-MINUTE), label: 'in the future' },
    { op: createApiKeyOp, path: 'input.expiresAt', at: at(5 * 365 * DAY - MINUTE), past: at(5 * 365 * DAY + MINUTE), label: 'at most five years ahead' },
    { op: apiKeysOp, path: 'organisationId', at: () => a.organisationId, past: '42', label: 'UUID' },
    { op: auditEventsOp, path: 'filter.entityType', at: 'e'.repeat(100), past: 'e'.repeat(101) },
    { op: auditEventsOp, path: 'filter.since', at: '1970-01-01T00:00:00.000Z', past: '1969-12-31T23:59:59.999Z', label: 'earliest' },
    { op: auditEventsOp, path: 'filter.until', at: '9999-12-31T23:59:59.999Z', past: '+010000-01-01T00:00:00.000Z', label: 'latest' },
    { op: auditEventsOp, path: 'filter.entityId', at: UUID, past: 'entity', label: 'UUID' },

    // incidents and situation reports
    { op: createIncidentOp, path: 'input.title', at: 't'.repeat(200), past: 't'.repeat(201) },
    { op: createIncidentOp, path: 'input.title', at: 'ttt', past: 'tt', label: 'minimum' },
    { op: createIncidentOp, path: 'input.title', at: 't t', past: '   ', label: 'blank' },
    { op: createIncidentOp, path: 'input.description', at: 'd'.repeat(10000), past: 'd'.repeat(10001) },
    { op: createIncidentOp, path: 'input.locationName', at: 'l'.repeat(200), past: 'l'.repeat(201) },
    { op: createIncidentOp, path: 'input.location', at: { latitude: 90, longitude: 180 }, past: { latitude: 90.000001, longitude: 0 }, field: 'input.location.latitude' },
    { op: createIncidentOp, path: 'input.location', at: { latitude: -90, longitude: -180 }, past: { latitude: 0, longitude: -180.000001 }, field: 'input.location.longitude' },
    { op: createIncidentOp, path: 'input.startedAt', at: at(4 * MINUTE), past: at(6 * MINUTE), label: 'not in the future (5 minutes of clock skew)' },
    { op: createIncidentOp, path: 'input.participantOrganisationIds', at: () => hundred, past: () => [...hundred, b.organisationId] },
    { op: createIncidentOp, path: 'input.participantOrganisationIds', at: () => [b.organisationId], past: ['nope'], label: 'UUIDs' },
    { op: updateIncidentOp, path: 'input.title', at: 't'.repeat(200), past: 't'.repeat(201) },
    { op: updateIncidentOp, path: 'input.description', at: 'd'.repeat(10000), past: 'd'.repeat(10001) },
    { op: updateIncidentOp, path: 'input.locationName', at: 'l'.repeat(200), past: 'l'.repeat(201) },
    { op: updateIncidentOp, path: 'input.location', at: { latitude: -90, longitude: 180 }, past: { latitude: -90.000001, longitude: 0 }, field: 'input.location.latitude' },
    { op: incidentsOp, path: 'filter.search', at: 's'.repeat(100), past: 's'.repeat(101) },
    { op: incidentsOp, path: 'filter.status', at: ['ACTIVE', 'MONITORING', 'CLOSED'], past: Array(4).fill('ACTIVE') },
    { op: incidentsOp, path: 'filter.category', at: Array(16).fill('FLOOD'), past: Array(17).fill('FLOOD') },
    { op: incidentsOp, path: 'filter.participantOrganisationId', at: () => a.organisationId, past: 'a', label: 'UUID' },
    { op: incidentsOp, path: 'first', at: 100, past: 101 },
    { op: addParticipantOp, path: 'organisationId', at: async () => (await createOrganisation(hub.db)).id, past: 'org', label: 'UUID' },
    { op: reportsOfIncidentOp, path: 'first', at: 100, past: 101 },
    { op: reportsOfIncidentOp, path: 'organisationId', at: () => a.organisationId, past: 'x', label: 'UUID' },
    { op: submitReportOp, path: 'input.situation', at: 's'.repeat(10000), past: 's'.repeat(10001) },
    { op: submitReportOp, path: 'input.situation', at: 's', past: '\n \n', label: 'blank' },
    ...(['consequences', 'actionsTaken', 'plannedActions', 'needs', 'forecast', 'publicInformation'] as const).map(
      (f): Row => ({ op: submitReportOp, path: `input.${f}`, at: 'x'.repeat(5000), past: 'x'.repeat(5001) }),
    ),
    { op: submitReportOp, path: 'input.nextReportDueAt', at: at(MINUTE), past: at(-MINUTE), label: 'in the future' },
    { op: submitReportOp, path: 'input.nextReportDueAt', at: at(90 * DAY - MINUTE), past: at(90 * DAY + MINUTE), label: 'at most 90 days ahead' },
    { op: submitReportOp, path: 'input.incidentId', at: () => incidentId, past: 'incident-1', label: 'UUID' },
    { op: restrictedReportOp, path: 'input.recipientOrganisationIds', at: () => hundred, past: () => [...hundred, b.organisationId] },
    { op: pictureOp, path: 'incidentId', at: () => incidentId, past: 'picture', label: 'UUID' },

    // resources
    { op: createTypeOp, path: 'input.code', at: () => code(50), past: () => code(51) },
    { op: createTypeOp, path: 'input.name', at: 'n'.repeat(200), past: 'n'.repeat(201) },
    { op: createTypeOp, path: 'input.unit', at: 'u'.repeat(40), past: 'u'.repeat(41) },
    { op: createTypeOp, path: 'input.unit', at: 'u', past: ' ', label: 'blank' },
    { op: createTypeOp, path: 'input.description', at: 'd'.repeat(2000), past: 'd'.repeat(2001) },
    { op: setHoldingOp, path: 'input.quantityTotal', at: 1_000_000, past: 1_000_001 },
    { op: setHoldingOp, path: 'input.quantityTotal', at: 0, past: -1, label: 'minimum' },
    { op: setHoldingOp, path: 'input.locationName', at: 'l'.repeat(200), past: 'l'.repeat(201) },
    { op: setHoldingOp, path: 'input.notes', at: 'n'.repeat(2000), past: 'n'.repeat(2001) },
    { op: setHoldingOp, path: 'input.location', at: { latitude: 90, longitude: -180 }, past: { latitude: 0, longitude: 180.000001 }, field: 'input.location.longitude' },
    { op: setHoldingOp, path: 'input.resourceTypeId', at: () => holdingTypeId, past: 'type', label: 'UUID' },
    { op: createRequestOp, path: 'input.quantity', at: 1_000_000, past: 1_000_001 },
    { op: createRequestOp, path: 'input.quantity', at: 1, past: 0, label: 'minimum' },
    { op: createRequestOp, path: 'input.quantity', at: 1, past: 2 ** 31, label: 'beyond Int' },
    { op: createRequestOp, path: 'input.neededBy', at: at(MINUTE), past: at(-MINUTE), label: 'in the future' },
    { op: createRequestOp, path: 'input.neededBy', at: at(365 * DAY - MINUTE), past: at(365 * DAY + MINUTE), label: 'at most a year ahead' },
    { op: createRequestOp, path: 'input.deliveryLocationName', at: 'l'.repeat(200), past: 'l'.repeat(201) },
    { op: createRequestOp, path: 'input.justification', at: 'j'.repeat(2000), past: 'j'.repeat(2001) },
    { op: createRequestOp, path: 'input.deliveryLocation', at: { latitude: 59.3, longitude: 18.1 }, past: { latitude: -91, longitude: 18.1 }, field: 'input.deliveryLocation.latitude' },
    { op: offerOp, path: 'input.quantity', at: 1_000_000, past: 1_000_001 },
    { op: offerOp, path: 'input.quantity', at: 1, past: 0, label: 'minimum' },
    { op: offerOp, path: 'input.note', at: 'n'.repeat(2000), past: 'n'.repeat(2001) },
    { op: offerOp, path: 'input.holdingId', at: () => holdingB, past: 'holding', label: 'UUID' },
    { op: requestsOp, path: 'filter.status', at: ['OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'CLOSED'], past: Array(6).fill('OPEN') },
    { op: requestsOp, path: 'filter.incidentId', at: () => incidentId, past: 'i', label: 'UUID' },
    { op: requestsOp, path: 'first', at: 100, past: 101 },
    { op: matchesOp, path: 'first', at: 100, past: 101 },

    // communication links
    { op: proposeOp, path: 'input.name', at: 'n'.repeat(200), past: 'n'.repeat(201) },
    { op: proposeOp, path: 'input.name', at: 'n', past: '  ', label: 'blank' },
    { op: proposeOp, path: 'input.address', at: 'a'.repeat(500), past: 'a'.repeat(501) },
    { op: proposeOp, path: 'input.schedule', at: 's'.repeat(500), past: 's'.repeat(501) },
    { op: proposeOp, path: 'input.contactName', at: 'c'.repeat(200), past: 'c'.repeat(201) },
    { op: proposeOp, path: 'input.contactPhone', at: phone(), past: phone(1) },
    { op: proposeOp, path: 'input.participantOrganisationIds', at: () => hundred, past: () => [...hundred, b.organisationId] },
    { op: proposeOp, path: 'input.participantOrganisationIds', at: () => [b.organisationId], past: [], label: 'minimum' },
    { op: respondOp, path: 'input.contactName', at: 'c'.repeat(200), past: 'c'.repeat(201) },
    { op: respondOp, path: 'input.contactPhone', at: phone(), past: phone(1) },
    { op: respondOp, path: 'input.contactPhone', at: '0701234567', past: '070 CALL ME', label: 'format' },
    { op: linksOfIncidentOp, path: 'status', at: ['PROPOSED', 'ACTIVE', 'CLOSED'], past: Array(4).fill('ACTIVE') },
    // staff log
    { op: writeLogEntryOp, path: 'input.title', at: 't'.repeat(200), past: 't'.repeat(201) },
    { op: writeLogEntryOp, path: 'input.title', at: 't', past: '  ', label: 'blank' },
    { op: writeLogEntryOp, path: 'input.text', at: 't'.repeat(10000), past: 't'.repeat(10001) },
    { op: writeLogEntryOp, path: 'input.responsiblePerson', at: 'p'.repeat(200), past: 'p'.repeat(201) },
    { op: writeLogEntryOp, path: 'input.reportBack', at: 'r'.repeat(500), past: 'r'.repeat(501) },
    { op: writeLogEntryOp, path: 'input.dueAt', at: at(300 * DAY), past: at(366 * DAY), label: 'at most a year ahead' },
    { op: followUpOp, path: 'input.note', at: 'n'.repeat(5000), past: 'n'.repeat(5001) },
    { op: followUpOp, path: 'input.responsiblePerson', at: 'p'.repeat(200), past: 'p'.repeat(201) },
    { op: scheduleMeetingOp, path: 'input.title', at: 't'.repeat(200), past: 't'.repeat(201) },
    { op: scheduleMeetingOp, path: 'input.startsAt', at: at(300 * DAY), past: at(366 * DAY), label: 'at most a year ahead' },
    { op: closeMeetingOp, path: 'input.summary', at: 's'.repeat(10000), past: 's'.repeat(10001) },
  ];

  async function send(row: Row, value: Value): Promise<GraphqlResponse> {
    const vars = structuredClone(await row.op.vars());
    if (value !== KEEP) setPath(vars, row.path, typeof value === 'function' ? await (value as () => unknown)() : value);
    return hub.gql(row.op.query, vars, await row.op.headers());
  }

  it.each(rows.map((r) => [`${r.op.name} ${r.path}${r.label ? ` (${r.label})` : ''}`, r] as const))('%s', async (_title, row) => {
    const accepted = await send(row, row.at);
    expect(accepted.status).toBeLessThan(500);
    if (row.op.acceptedIsNotBadInput) {
      expect(accepted.body.errors?.map((e) => e.extensions.code) ?? []).not.toContain('BAD_USER_INPUT');
    } else {
      expect(accepted.body.errors).toBeUndefined();
    }

    const refused = await send(row, row.past);
    expect(refused.status).toBeLessThan(500);
    // Nothing was done: no data, or null for a nullable top-level field.
    expect(Object.values(refused.body.data ?? {}).every((v) => v === null)).toBe(true);
    expect(refused.body.errors).toHaveLength(1);
    const error = refused.body.errors![0];
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.validationErrors).toEqual(expect.arrayContaining([{ field: row.field ?? row.path, message: expect.stringContaining(row.field ?? row.path) }]));
  });

  it('covers every operation that takes input', () => {
    // Each mutation or query of the schema with arguments has a row (subscriptions take only an optional incidentId).
    const covered = new Set(rows.map((r) => r.op.name));
    for (const op of [
      'login', 'refreshSession', 'logout', 'changePassword', 'createOrganisation', 'updateOrganisation', 'organisations', 'organisation',
      'createUser', 'updateUser', 'createApiKey', 'apiKeys', 'auditEvents', 'createIncident', 'updateIncident', 'incidents',
      'addIncidentParticipant', 'submitSituationReport', 'operationalPicture', 'createResourceType', 'setResourceHolding',
      'createResourceRequest', 'offerResource', 'resourceRequests', 'resourceMatches', 'proposeCommunicationLink', 'respondToCommunicationLink',
    ]) {
      expect(covered).toContain(op);
    }
  });

  it('refuses a forged cursor whose values are not what the list sorts by, without reaching the database', async () => {
    const forged = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
    for (const [query, after] of [
      [`query ($after: String) { incidents(after: $after) { totalCount } }`, forged(['yesterday', 'x'])],
      [`query ($after: String) { incidents(after: $after) { totalCount } }`, forged(['2026-02-30 10:00:00+00', '00000000-0000-4000-8000-000000000000'])],
      [`query ($after: String) { resourceRequests(after: $after) { totalCount } }`, forged(['2026-01-01T00:00:00.000Z', 'not-an-id'])],
      [`query ($after: String) { organisations(after: $after) { totalCount } }`, forged(['name\u0000', '00000000-0000-4000-8000-000000000000'])],
      [`query ($after: String) { auditEvents(after: $after) { totalCount } }`, forged(['NaN'])],
    ]) {
      const res = await hub.gql(query, { after }, admin.headers);
      expect(res.status).toBeLessThan(500);
      expect(res.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'after', message: 'after is not a valid cursor' }] });
    }
  });

  it('refuses NUL characters anywhere in an argument, naming the field', async () => {
    const res = await hub.gql(`query ($s: String) { incidents(filter: { search: $s }) { totalCount } }`, { s: 'a\u0000b' }, a.headers);
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'filter.search' }] });
  });

  it('logs in with an address at the length limit', async () => {
    await expect(login(hub, longEmail)).resolves.toMatchObject({ accessToken: expect.any(String) });
  });
});
