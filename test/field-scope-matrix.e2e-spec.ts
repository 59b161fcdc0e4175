import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildClientSchema, getIntrospectionQuery, getNamedType, isCompositeType, isObjectType, isRequiredArgument, type GraphQLSchema } from 'graphql';
import { ApiScope } from '../src/common/auth/roles.js';
import { apiKeyRuleOf, SCOPE_FREE_TYPES, type ApiKeyRule } from '../src/graphql/api-key-scopes.js';
import { createApiKey, createOrganisation, userSession, type TestApiKey } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { insertLink } from './support/link-fixtures.js';
import { runMeeting, scheduleMeeting, writeEntry } from './support/log-fixtures.js';
import { createRequest, insertHolding, insertResourceType, offer, ok } from './support/resource-fixtures.js';
import { insertScenario } from './support/scenario-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

/*
 * The authorization matrix reaches root operations only; this one reaches fields. The rule
 * (SECURITY.md, "API-key scopes"): a field whose type needs a scope the key lacks answers
 * FORBIDDEN naming the scope, at any depth, root mutation fields aside. The paths are generated
 * from the served schema: the shortest way from a root query with fixture arguments to every
 * object field an API key can reach, asked by a key holding each single scope (and all, none,
 * and all but each one) and by a user, over HTTP.
 */

let hub: TestApp;
let served: GraphQLSchema;
let rules: (typeName: string) => ApiKeyRule;

interface World {
  own: string;
  incident: string;
  report: string;
  request: string;
  link: string;
  logEntry: string;
  meeting: string;
  scenario: string;
  /** A webhook endpoint of the own organisation with one delivery, attempted once. */
  endpoint: string;
  /** A liaison officer of the own organisation, who wrote the reports and the request. */
  user: Record<string, string>;
  keys: Record<string, TestApiKey>;
}
let w: World;

const ALL = 'ALL SCOPES';
const NONE = 'NO SCOPE';
const ALL_BUT = 'ALL BUT ';
/** Each scope alone, all, none, and all but each one (which reaches the deeper crossings of a path). */
const COLUMNS = [...Object.values(ApiScope), ALL, NONE, ...Object.values(ApiScope).map((s) => `${ALL_BUT}${s}`)];
function scopesOf(column: string): string[] {
  if (column === ALL) return Object.values(ApiScope);
  if (column === NONE) return [];
  if (column.startsWith(ALL_BUT)) return Object.values(ApiScope).filter((s) => s !== column.slice(ALL_BUT.length));
  return [column];
}

/** The root queries an API key may start from, with the fixture world's arguments. */
const ROOTS: Record<string, (w: World) => string> = {
  incident: (w) => `(id: "${w.incident}")`,
  operationalPicture: (w) => `(incidentId: "${w.incident}")`,
  situationReport: (w) => `(id: "${w.report}")`,
  resourceRequest: (w) => `(id: "${w.request}")`,
  communicationLink: (w) => `(id: "${w.link}")`,
  logEntry: (w) => `(id: "${w.logEntry}")`,
  meeting: (w) => `(id: "${w.meeting}")`,
  scenario: (w) => `(id: "${w.scenario}")`,
  scenarios: () => '',
  myLogTasks: () => '',
  organisation: (w) => `(id: "${w.own}")`,
  resourceHoldings: (w) => `(organisationId: "${w.own}")`,
  resourceMatches: (w) => `(requestId: "${w.request}")`,
  resourceTypes: () => '',
  incidents: () => '',
  resourceRequests: () => '',
  organisations: () => '',
  webhookEndpoints: () => '',
  webhookDeliveries: (w) => `(endpointId: "${w.endpoint}")`,
};
/** Root queries that are no way in for an API key, whatever its scopes (the authorization matrix has their rows). */
const NOT_FOR_KEYS = ['me', 'apiKeys', 'auditEvents', 'verifyAuditChain', 'myNotificationPreferences'];
/**
 * What an API key gets at a field for a reason other than scopes (a record rule), and so not a
 * way on to the types below it: an organisation's members are its users' to read.
 */
const RECORD_RULES: Record<string, string> = { 'Organisation.members': 'NOT_FOUND' };

interface Step {
  type: string;
  field: string;
  returns: string;
}

/** The fields of a type that return an object type, from the served schema. */
function objectFields(typeName: string): Step[] {
  const type = served.getType(typeName);
  if (!isObjectType(type)) return [];
  return Object.values(type.getFields()).flatMap((f) => {
    const named = getNamedType(f.type);
    if (!isCompositeType(named)) return [];
    if (type !== served.getQueryType() && f.args.some(isRequiredArgument)) throw new Error(`${typeName}.${f.name} needs arguments this walk does not know`);
    return [{ type: typeName, field: f.name, returns: named.name }];
  });
}

/** Every object field reachable from ROOTS (records aside), each behind the shortest path to its type. */
function reachablePaths(): Step[][] {
  const pathTo = new Map<string, Step[]>();
  const queue: string[] = [];
  const roots = objectFields('Query').filter((s) => s.field in ROOTS);
  roots.sort((a, b) => Object.keys(ROOTS).indexOf(a.field) - Object.keys(ROOTS).indexOf(b.field));
  const paths: Step[][] = roots.map((s) => [s]);
  for (const s of roots) {
    if (pathTo.has(s.returns)) continue;
    pathTo.set(s.returns, [s]);
    queue.push(s.returns);
  }
  for (let type = queue.shift(); type; type = queue.shift()) {
    for (const s of objectFields(type)) {
      const path = [...pathTo.get(type)!, s];
      paths.push(path);
      if (pathTo.has(s.returns) || RECORD_RULES[`${s.type}.${s.field}`]) continue;
      pathTo.set(s.returns, path);
      queue.push(s.returns);
    }
  }
  return paths;
}

function queryOf(path: Step[]): string {
  return `{ ${path.reduceRight((inner, s, i) => `${s.field}${i === 0 ? ROOTS[s.field](w) : ''} { ${inner} }`, '__typename')} }`;
}

const show = (path: Step[]) => path.map((s) => s.field).join('.');

type Outcome = { code: string; at: string; scope?: string } | 'OK';

/** What the rule says for a caller with these scopes (null: a user) along the path. */
function expected(path: Step[], scopes: string[] | null): Outcome {
  if (scopes === null) return 'OK';
  for (let i = 0; i < path.length; i++) {
    const at = show(path.slice(0, i + 1));
    const rule = rules(path[i].returns);
    if (rule === 'undeclared') return { code: 'FORBIDDEN', at };
    if (rule !== 'scope-free' && !scopes.includes(rule.scope)) return { code: 'FORBIDDEN', at, scope: rule.scope };
    const record = RECORD_RULES[`${path[i].type}.${path[i].field}`];
    if (record) return { code: record, at };
  }
  return 'OK';
}

/** Whether the response holds the path's last field on some object (not only nulls and empty lists before it). */
function reached(data: unknown, fields: string[]): boolean {
  if (Array.isArray(data)) return data.some((d) => reached(d, fields));
  if (data === null || typeof data !== 'object') return false;
  const [first, ...rest] = fields;
  if (!Object.hasOwn(data, first)) return false;
  return rest.length === 0 || reached((data as Record<string, unknown>)[first], rest);
}

async function actual(path: Step[], headers: Record<string, string>): Promise<Outcome | string> {
  const res = await hub.gql(queryOf(path), undefined, headers);
  const errors = res.body.errors ?? [];
  if (!errors.length) return reached(res.body.data, path.map((s) => s.field)) ? 'OK' : `not reached (the fixture world lacks a row): ${JSON.stringify(res.body.data)}`;
  const distinct = new Map(errors.map((e) => [`${e.extensions.code} ${(e.path ?? []).filter((p) => typeof p === 'string').join('.')}`, e]));
  if (distinct.size > 1) return `several errors: ${[...distinct.keys()].join(', ')}`;
  const [e] = distinct.values();
  const scope = Object.values(ApiScope).find((s) => e.message.includes(s));
  return { code: e.extensions.code, at: (e.path ?? []).filter((p) => typeof p === 'string').join('.'), ...(scope ? { scope } : {}) };
}

beforeAll(async () => {
  hub = await startTestApp();
  const intro = await hub.gql<any>(getIntrospectionQuery());
  served = buildClientSchema(intro.body.data!);
  // Introspection does not carry extensions: the declared rules are read from the schema the app serves.
  const host = hub.app.get(GraphQLSchemaHost).schema;
  rules = (name) => apiKeyRuleOf(host.getType(name)!);

  const own = await createOrganisation(hub.db);
  const partner = await createOrganisation(hub.db);
  const reporter = await userSession(hub, 'LIAISON_OFFICER', own.id);
  const partnerLiaison = await userSession(hub, 'LIAISON_OFFICER', partner.id);
  const incident = await insertIncident(hub.db, [own.id, partner.id]);
  await submitReport(hub, reporter.headers, incident.id, { situation: 'Första lägesrapporten' });
  const report = await submitReport(hub, reporter.headers, incident.id, { situation: 'Vattnet stiger vid bron' });
  await ok(hub.gql(`mutation ($id: ID!) { acknowledgeSituationReport(id: $id) { id } }`, { id: report.id }, partnerLiaison.headers));
  const type = await insertResourceType(hub.db);
  const partnerHolding = await insertHolding(hub.db, partner.id, type, 10);
  await insertHolding(hub.db, own.id, type, 3);
  const request = await createRequest(hub, reporter.headers, { incidentId: incident.id, resourceTypeId: type, quantity: 5, justification: 'Pumpar till bron' });
  await offer(hub, partnerLiaison.headers, request, partnerHolding, 2);
  const link = await insertLink(hub.db, incident.id, own.id, [partner.id], { status: 'ACTIVE' });
  // A log whose entries and meetings fill every field: a question answered by a decision taken
  // at a closed conference, carried out by an overdue action with a follow-up, a RESTRICTED need
  // met by the request; the next conference's agenda has all of it.
  const conference = { incidentId: incident.id, kind: 'COORDINATION_CONFERENCE' };
  const question = await writeEntry(hub, reporter.headers, { incidentId: incident.id, kind: 'QUESTION', title: 'Vem tar vattnet?', responsibleOrganisationId: own.id });
  const first = await scheduleMeeting(hub, reporter.headers, conference);
  await runMeeting(hub, reporter.headers, first, 'start');
  const decision = await writeEntry(hub, reporter.headers, { incidentId: incident.id, kind: 'DECISION', title: 'Kommunen tar vattnet', parentId: question.id });
  await runMeeting(hub, reporter.headers, first, 'close', { summary: 'Beslut fattat' });
  const action = await writeEntry(hub, reporter.headers, {
    incidentId: incident.id,
    kind: 'ACTION',
    title: 'Kör ut vatten',
    parentId: decision.id,
    responsibleOrganisationId: own.id,
    dueAt: new Date(Date.now() - 60_000).toISOString(),
  });
  await ok(hub.gql(`mutation ($input: FollowUpLogEntryInput!) { followUpLogEntry(input: $input) { id } }`, { input: { entryId: action.id, note: 'På väg', status: 'IN_PROGRESS' } }, reporter.headers));
  await writeEntry(hub, reporter.headers, { incidentId: incident.id, kind: 'NEED', title: 'Pumpar', visibility: 'RESTRICTED', recipientOrganisationIds: [partner.id], resourceRequestId: request });
  const meeting = await scheduleMeeting(hub, reporter.headers, conference);
  // A scenario with every part, and the incident recorded as started from it (Incident.scenarioVersion).
  const scenario = await insertScenario(hub.db, own.id, own.id, [partner.id], type);
  await hub.db.query(`UPDATE incidents SET scenario_version_id = $2 WHERE id = $1`, [incident.id, scenario.versionId]);
  // Written directly, as a worker would leave them (no worker runs in this file); the URL is in a documentation range.
  const [endpoint] = await hub.db.query(
    `INSERT INTO webhook_endpoints (organisation_id, name, url, event_types, secret) VALUES ($1, 'Matrix', 'https://203.0.113.10/hook', '{SITUATION_REPORT_SUBMITTED}', 'whsec_matrix') RETURNING id`,
    [own.id],
  );
  const [delivery] = await hub.db.query(
    `INSERT INTO outbox_deliveries (endpoint_id, event_type, incident_id, subject_id, status, attempts, finished_at, last_status_code)
     VALUES ($1, 'SITUATION_REPORT_SUBMITTED', $2, $3, 'DELIVERED', 1, now(), 204) RETURNING id`,
    [endpoint.id, incident.id, report.id],
  );
  await hub.db.query(`INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code) VALUES ($1, 1, now(), 12, 204)`, [delivery.id]);
  const keys: Record<string, TestApiKey> = {};
  for (const column of COLUMNS) keys[column] = await createApiKey(hub.db, own.id, scopesOf(column));
  w = { own: own.id, incident: incident.id, report: report.id, request, link, logEntry: action.id, meeting, scenario: scenario.id, endpoint: endpoint.id, user: reporter.headers, keys };
});
afterAll(() => hub.close());

describe('the field-level scope matrix', () => {
  it('knows the rule of every object type reachable from a root operation: a declared scope, or scope-free', () => {
    const seen = new Set<string>();
    const walk = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const s of objectFields(name)) walk(s.returns);
    };
    for (const root of [served.getQueryType(), served.getMutationType(), served.getSubscriptionType()]) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        const named = getNamedType(field.type);
        if (isCompositeType(named)) walk(named.name);
      }
    }
    expect([...seen].filter((name) => rules(name) === 'undeclared').sort()).toEqual([]);
    // The scope-free list names only types that exist, and none that declares a scope as well.
    expect([...SCOPE_FREE_TYPES].filter((name) => !served.getType(name) || rules(name) !== 'scope-free')).toEqual([]);
    // Every root query is a way in for keys, or said not to be.
    expect(Object.keys(served.getQueryType()!.getFields()).filter((f) => !(f in ROOTS) && !NOT_FOR_KEYS.includes(f))).toEqual([]);
  });

  it('gives a key holding each single scope (and all, none, all but one) data or FORBIDDEN exactly as the rule says along every path; users everything', async () => {
    const paths = reachablePaths();
    expect(paths.length).toBeGreaterThan(60);
    const mismatches: string[] = [];
    for (const path of paths) {
      const cells = await Promise.all([
        ...COLUMNS.map(async (column) => ({ who: column, want: expected(path, scopesOf(column)), got: await actual(path, w.keys[column].headers) })),
        (async () => ({ who: 'a user', want: expected(path, null), got: await actual(path, w.user) }))(),
      ]);
      for (const { who, want, got } of cells) {
        if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${show(path)} as ${who}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

/** The errors' codes, paths (list indices left out) and messages, each once. */
function refusals(res: Awaited<ReturnType<TestApp['gql']>>) {
  const all = (res.body.errors ?? []).map((e) => ({ code: e.extensions.code, path: (e.path ?? []).filter((p) => typeof p === 'string').join('.'), message: e.message }));
  return [...new Map(all.map((e) => [JSON.stringify(e), e])).values()];
}

async function asKey(scopes: string[], query: string, variables?: Record<string, unknown>) {
  const key = await createApiKey(hub.db, w.own, scopes);
  return hub.gql(query, variables, key.headers);
}

describe('the reproductions of issue 14', () => {
  it('an INCIDENTS_READ key does not read report text and the author\'s e-mail through the picture; with REPORTS_READ it does', async () => {
    const q = `query ($id: ID!) { operationalPicture(incidentId: $id) { participants { latestReport { situation author { email } } } } }`;
    const res = await asKey(['INCIDENTS_READ'], q, { id: w.incident });
    expect(refusals(res)).toEqual([{ code: 'FORBIDDEN', path: 'operationalPicture.participants.latestReport', message: expect.stringContaining('REPORTS_READ') }]);
    expect(res.body.data!.operationalPicture.participants.map((p: any) => p.latestReport)).toEqual([null, null]);
    const both = await asKey(['INCIDENTS_READ', 'REPORTS_READ'], q, { id: w.incident });
    expect(both.body.errors).toBeUndefined();
    expect(both.body.data!.operationalPicture.participants[0].latestReport).toEqual({ situation: expect.any(String), author: { email: expect.stringContaining('@') } });
  });

  it('an INCIDENTS_READ key does not read resource requests and their loans through the incident or the picture; with RESOURCES_READ it does', async () => {
    const viaIncident = `query ($id: ID!) { incident(id: $id) { resourceRequests { nodes { justification loans { quantity holding { id } } } } } }`;
    const viaPicture = `query ($id: ID!) { operationalPicture(incidentId: $id) { openResourceRequests { justification } } }`;
    const incident = await asKey(['INCIDENTS_READ'], viaIncident, { id: w.incident });
    expect(refusals(incident)).toEqual([{ code: 'FORBIDDEN', path: 'incident.resourceRequests', message: expect.stringContaining('RESOURCES_READ') }]);
    expect(incident.body.data).toEqual({ incident: null });
    const picture = await asKey(['INCIDENTS_READ'], viaPicture, { id: w.incident });
    expect(refusals(picture)).toEqual([{ code: 'FORBIDDEN', path: 'operationalPicture.openResourceRequests', message: expect.stringContaining('RESOURCES_READ') }]);
    const both = await asKey(['INCIDENTS_READ', 'RESOURCES_READ'], viaIncident, { id: w.incident });
    expect(both.body.errors).toBeUndefined();
    expect(both.body.data!.incident.resourceRequests.nodes).toEqual([{ justification: 'Pumpar till bron', loans: [{ quantity: 2, holding: { id: expect.any(String) } }] }]);
  });

  it('a key without a resource scope does not read an organisation\'s holdings', async () => {
    const q = `query ($id: ID!) { organisation(id: $id) { id holdings { quantityTotal } } }`;
    const withoutResources = Object.values(ApiScope).filter((s) => !s.startsWith('RESOURCES_'));
    const res = await asKey(withoutResources, q, { id: w.own });
    expect(refusals(res)).toEqual([{ code: 'FORBIDDEN', path: 'organisation.holdings', message: expect.stringContaining('RESOURCES_READ') }]);
    expect((await asKey(['RESOURCES_READ'], q, { id: w.own })).body.data!.organisation.holdings).toEqual([{ quantityTotal: 3 }]);
  });

  it('a REPORTS_READ key does not read the incident through a report', async () => {
    const q = `query ($id: ID!) { situationReport(id: $id) { situation incident { description participants { lead } } } }`;
    const res = await asKey(['REPORTS_READ'], q, { id: w.report });
    expect(refusals(res)).toEqual([{ code: 'FORBIDDEN', path: 'situationReport.incident', message: expect.stringContaining('INCIDENTS_READ') }]);
    expect(res.body.data).toEqual({ situationReport: null });
    expect((await asKey(['REPORTS_READ', 'INCIDENTS_READ'], q, { id: w.report })).body.data!.situationReport.incident.description).toBe('Fixture');
  });

  it('a RESOURCES_READ key does not read the incident through a resource request', async () => {
    const q = `query ($id: ID!) { resourceRequest(id: $id) { quantityRequested incident { id } } }`;
    const res = await asKey(['RESOURCES_READ'], q, { id: w.request });
    expect(refusals(res)).toEqual([{ code: 'FORBIDDEN', path: 'resourceRequest.incident', message: expect.stringContaining('INCIDENTS_READ') }]);
    expect((await asKey(['RESOURCES_READ', 'INCIDENTS_READ'], q, { id: w.request })).body.data!.resourceRequest.incident.id).toBe(w.incident);
  });
});

describe('mutations and subscriptions', () => {
  it('a REPORTS_WRITE key submits a report and gets it back; what lies below it follows the type rule', async () => {
    const q = `mutation ($input: SubmitSituationReportInput!) {
      submitSituationReport(input: $input) { situation supersedes { situation } } }`;
    const input = { incidentId: w.incident, operationalStatus: 'STRAINED', situation: 'Skriven med nyckel', visibility: 'ALL_PARTICIPANTS' };
    const res = await asKey(['REPORTS_WRITE'], q, { input });
    expect(refusals(res)).toEqual([{ code: 'FORBIDDEN', path: 'submitSituationReport.supersedes', message: expect.stringContaining('REPORTS_READ') }]);
    expect(res.body.data).toEqual({ submitSituationReport: { situation: 'Skriven med nyckel', supersedes: null } });
  });

  it('holds over graphql-ws: a REPORTS_READ key gets each new report without its incident', async () => {
    const key = await createApiKey(hub.db, w.own, ['REPORTS_READ']);
    const client = await WsClient.forApiKey(hub.url, key.secret);
    try {
      const sub = await client.subscribe(`subscription ($id: ID) { situationReportSubmitted(incidentId: $id) { situation incident { title } } }`, { id: w.incident });
      await submitReport(hub, w.user, w.incident, { situation: 'Över nätet' });
      const event = await sub.next();
      expect(event.errors?.map((e) => ({ code: e.extensions?.code, path: e.path?.join('.'), message: e.message }))).toEqual([
        { code: 'FORBIDDEN', path: 'situationReportSubmitted.incident', message: expect.stringContaining('INCIDENTS_READ') },
      ]);
      expect(event.data).toBeNull();
      const refused = await client.subscribe(`subscription { incidentChanged { title } }`, undefined, 0);
      expect((await refused.next()).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    } finally {
      await client.close();
    }
  });
});
