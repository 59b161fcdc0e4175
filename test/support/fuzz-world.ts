import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_RULE, type AccessRule } from '../../src/common/auth/access-rule.decorator.js';
import { ApiScope, roleAtLeast, Role } from '../../src/common/auth/roles.js';
import { newRefreshToken, sha256Hex } from '../../src/auth/tokens.js';
import { createApiKey, createOrganisation, createUser, login, uniqueTag, type RoleName } from './factories.js';
import { insertIncident, submitReport } from './incident-fixtures.js';
import { insertLink } from './link-fixtures.js';
import { insertLogEntry, insertMeeting } from './log-fixtures.js';
import { insertScenario } from './scenario-fixtures.js';
import { createRequest, insertHolding, insertResourceType, offer } from './resource-fixtures.js';
import type { TestApp } from './test-app.js';

/*
 * The small world the fuzzer (test/fuzz.e2e-spec.ts) acts in: organisations, principals of every
 * kind, incidents in each state with reports, requests, loans and links, and a snapshot of it
 * all (re-read between batches) from which generated operations take ids that fit the caller.
 */

export const ALL_SCOPES: string[] = Object.values(ApiScope);
/** The name of the world's scenarios that the fuzzer may archive. */
export const ARCHIVABLE_SCENARIO = 'Fuzz: arkiveras';
const READ_SCOPES = ALL_SCOPES.filter((s) => s.endsWith('_READ'));

/** Principals with credentials that hold, then the ones that do not. */
export const VALID_PRINCIPALS = ['viewer', 'liaison', 'liaisonOther', 'coordinator', 'admin', 'keyAllScopes', 'keyOther', 'keyReadOnly'] as const;
export const INVALID_PRINCIPALS = ['anonymous', 'keyNoScopes', 'keyRevoked', 'badBearer'] as const;
export type PrincipalName = (typeof VALID_PRINCIPALS)[number] | (typeof INVALID_PRINCIPALS)[number];
export const ALL_PRINCIPALS: PrincipalName[] = [...VALID_PRINCIPALS, ...INVALID_PRINCIPALS];

export interface PrincipalInfo {
  name: PrincipalName;
  kind: 'user' | 'apiKey' | 'none';
  /** The role it acts with (an API key acts as a LIAISON_OFFICER of its organisation). */
  role?: Role;
  organisationId?: string;
  scopes?: string[];
  /** Credentials that the hub accepts. */
  valid: boolean;
}

/** Who may call a root field, read from the running app's @Allow/@Public declarations. */
export type OperationRules = Map<string, AccessRule>;

export function readOperationRules(hub: TestApp): OperationRules {
  const discovery = new DiscoveryService(hub.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const rules: OperationRules = new Map();
  for (const { instance, metatype } of discovery.getProviders()) {
    if (!instance || !metatype) continue;
    const proto = Object.getPrototypeOf(instance);
    for (const method of scanner.getAllMethodNames(proto)) {
      const handler = proto[method];
      const type: string | undefined = Reflect.getMetadata('graphql:resolver_type', handler);
      if (type !== 'Query' && type !== 'Mutation') continue;
      const rule = reflector.getAllAndOverride<AccessRule>(ACCESS_RULE, [handler, metatype]);
      if (rule) rules.set(Reflect.getMetadata('graphql:resolver_name', handler) ?? method, rule);
    }
  }
  return rules;
}

/** Root fields that a user session may call but an API key never may, beyond what @Allow says. */
const USER_ONLY = new Set(['me']);

/** May this principal call the field at all (role, scope, API keys allowed)? Record-level rules are the generator's business. */
export function fits(rule: AccessRule | undefined, field: string, p: PrincipalInfo): boolean {
  if (!rule) return p.valid;
  if (rule.public) return true;
  if (!p.valid || !p.role) return false;
  if (p.kind === 'apiKey') {
    if (rule.apiKeys === false || USER_ONLY.has(field)) return false;
    if ([rule.scope ?? []].flat().some((scope) => !p.scopes!.includes(scope))) return false;
  }
  return roleAtLeast(p.role, rule.role);
}

// ------------------------------------------------------------------ credentials

interface SessionState {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  renewing?: Promise<void>;
}

/** Refresh a session this long before its access token expires. */
const RENEW_MARGIN_MS = 40_000;

/**
 * The headers of each principal, kept valid: a session is refreshed (refreshSession) before its
 * access token expires, and logged in again (its password restored first) if the hub refused it.
 */
export class Credentials {
  readonly renewals: Record<string, number> = {};
  private readonly sessions = new Map<PrincipalName, SessionState>();
  private readonly fixed = new Map<PrincipalName, Record<string, string>>();

  constructor(
    private readonly hub: TestApp,
    private readonly passwordHash: string,
  ) {}

  async addUser(name: PrincipalName, userId: string, email: string): Promise<void> {
    const s = await this.signIn(email);
    this.sessions.set(name, { userId, email, ...s });
  }

  addFixed(name: PrincipalName, headers: Record<string, string>): void {
    this.fixed.set(name, headers);
  }

  async headers(name: PrincipalName): Promise<Record<string, string>> {
    const s = this.sessions.get(name);
    if (!s) return this.fixed.get(name) ?? {};
    if (s.expiresAt - Date.now() < RENEW_MARGIN_MS) await this.renew(name, s, false);
    return { authorization: `Bearer ${s.accessToken}` };
  }

  /** After the hub answered UNAUTHENTICATED to a session that should hold. */
  async lost(name: PrincipalName): Promise<void> {
    const s = this.sessions.get(name);
    if (s) await this.renew(name, s, true);
  }

  private renew(name: PrincipalName, s: SessionState, relogin: boolean): Promise<void> {
    s.renewing ??= (async () => {
      this.renewals[name] = (this.renewals[name] ?? 0) + 1;
      if (!relogin) {
        const res = await this.hub.gql(`mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken accessTokenExpiresAt refreshToken } }`, { t: s.refreshToken });
        const p = res.body.data?.refreshSession;
        if (p) {
          Object.assign(s, { accessToken: p.accessToken, refreshToken: p.refreshToken, expiresAt: Date.parse(p.accessTokenExpiresAt) });
          return;
        }
      }
      // The fuzzer may have changed the password (changePassword with hostile values that passed).
      await this.hub.db.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [s.userId, this.passwordHash]);
      Object.assign(s, await this.signIn(s.email));
    })().finally(() => {
      s.renewing = undefined;
    });
    return s.renewing;
  }

  private async signIn(email: string): Promise<Omit<SessionState, 'userId' | 'email'>> {
    const session = await login(this.hub, email);
    const payload = JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString()) as { exp: number };
    return { accessToken: session.accessToken, refreshToken: session.refreshToken, expiresAt: payload.exp * 1000 };
  }
}

// ------------------------------------------------------------------ the world

export interface FuzzWorld {
  /** Codes and e-mail addresses of what the fuzzer creates carry this, so the snapshot finds them. */
  tag: string;
  principals: Record<PrincipalName, PrincipalInfo>;
  credentials: Credentials;
  /** The organisations made here (principals', participants', victims'). */
  fixedOrganisations: string[];
  /** Organisations, users and API keys that operations which could disable a principal may act on. */
  victims: { organisations: string[]; users: string[]; apiKeys: string[] };
  /** Everything that belongs to a principal, never handed to updateUser, updateOrganisation or revokeApiKey. */
  protectedIds: Set<string>;
  /** Users with sessions for refreshSession and logout to use up (never deactivated). */
  sessionHolders: string[];
  fixedResourceTypes: string[];
  emails: string[];
}

export async function makeWorld(hub: TestApp): Promise<FuzzWorld> {
  const db = hub.db;
  const tag = `FZ${uniqueTag()}`;
  const [own, other, third, regional, hubOrg, victimOrg] = await Promise.all([
    createOrganisation(db),
    createOrganisation(db),
    createOrganisation(db),
    createOrganisation(db, { kind: 'COUNTY_ADMINISTRATIVE_BOARD' }),
    createOrganisation(db, { kind: 'OTHER' }),
    createOrganisation(db),
  ]);
  const users = await Promise.all(
    (
      [
        ['viewer', 'VIEWER', own.id],
        ['liaison', 'LIAISON_OFFICER', own.id],
        ['liaisonOther', 'LIAISON_OFFICER', other.id],
        ['coordinator', 'COORDINATOR', regional.id],
        ['admin', 'ADMIN', hubOrg.id],
      ] as [PrincipalName, RoleName, string][]
    ).map(async ([name, role, org]) => ({ name, user: await createUser(db, org, role) })),
  );
  const [{ password_hash: passwordHash }] = await db.query(`SELECT password_hash FROM users WHERE id = $1`, [users[0].user.id]);
  const credentials = new Credentials(hub, passwordHash);
  await Promise.all(users.map(({ name, user }) => credentials.addUser(name, user.id, user.email)));

  const keyAll = await createApiKey(db, own.id, ALL_SCOPES);
  const keyOther = await createApiKey(db, other.id, ALL_SCOPES);
  const keyRead = await createApiKey(db, own.id, READ_SCOPES);
  const keyNone = await createApiKey(db, own.id, []);
  const keyRevoked = await createApiKey(db, own.id, ALL_SCOPES, { revoked: true });
  credentials.addFixed('keyAllScopes', keyAll.headers);
  credentials.addFixed('keyOther', keyOther.headers);
  credentials.addFixed('keyReadOnly', keyRead.headers);
  credentials.addFixed('keyNoScopes', keyNone.headers);
  credentials.addFixed('keyRevoked', keyRevoked.headers);
  credentials.addFixed('anonymous', {});
  credentials.addFixed('badBearer', { authorization: 'Bearer not-a-token' });

  const victimUsers = await Promise.all([createUser(db, victimOrg.id, 'LIAISON_OFFICER'), createUser(db, own.id, 'VIEWER'), createUser(db, other.id, 'VIEWER')]);
  // Users whose sessions refreshSession and logout use up: nothing else touches them.
  const sessionHolders = await Promise.all([createUser(db, own.id, 'VIEWER'), createUser(db, victimOrg.id, 'LIAISON_OFFICER')]);
  const victimKey = await createApiKey(db, other.id, ['REPORTS_READ']);
  const victimKey2 = await createApiKey(db, own.id, ['LINKS_READ']);

  const principals: Record<PrincipalName, PrincipalInfo> = {
    viewer: { name: 'viewer', kind: 'user', role: Role.VIEWER, organisationId: own.id, valid: true },
    liaison: { name: 'liaison', kind: 'user', role: Role.LIAISON_OFFICER, organisationId: own.id, valid: true },
    liaisonOther: { name: 'liaisonOther', kind: 'user', role: Role.LIAISON_OFFICER, organisationId: other.id, valid: true },
    coordinator: { name: 'coordinator', kind: 'user', role: Role.COORDINATOR, organisationId: regional.id, valid: true },
    admin: { name: 'admin', kind: 'user', role: Role.ADMIN, organisationId: hubOrg.id, valid: true },
    keyAllScopes: { name: 'keyAllScopes', kind: 'apiKey', role: Role.LIAISON_OFFICER, organisationId: own.id, scopes: ALL_SCOPES, valid: true },
    keyOther: { name: 'keyOther', kind: 'apiKey', role: Role.LIAISON_OFFICER, organisationId: other.id, scopes: ALL_SCOPES, valid: true },
    keyReadOnly: { name: 'keyReadOnly', kind: 'apiKey', role: Role.LIAISON_OFFICER, organisationId: own.id, scopes: READ_SCOPES, valid: true },
    keyNoScopes: { name: 'keyNoScopes', kind: 'apiKey', role: Role.LIAISON_OFFICER, organisationId: own.id, scopes: [], valid: true },
    keyRevoked: { name: 'keyRevoked', kind: 'apiKey', valid: false },
    anonymous: { name: 'anonymous', kind: 'none', valid: false },
    badBearer: { name: 'badBearer', kind: 'none', valid: false },
  };

  // Incidents in every state, with the principals' organisations taking part in most.
  const incidents = await Promise.all([
    insertIncident(db, [own.id, other.id, third.id, regional.id]),
    insertIncident(db, [other.id, own.id, third.id]),
    insertIncident(db, [own.id, other.id], { status: 'MONITORING' }),
    insertIncident(db, [third.id, own.id, other.id, regional.id], { exercise: true }),
    insertIncident(db, [regional.id, own.id, other.id, third.id]),
    insertIncident(db, [own.id, other.id], { status: 'CLOSED' }),
    insertIncident(db, [third.id]),
  ]);
  const [i1, i2] = incidents;
  const liaisonHeaders = await credentials.headers('liaison');
  const otherHeaders = await credentials.headers('liaisonOther');
  await submitReport(hub, liaisonHeaders, i1.id);
  await submitReport(hub, otherHeaders, i1.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [third.id, own.id] });
  await submitReport(hub, otherHeaders, i2.id);
  const types = await Promise.all([insertResourceType(db), insertResourceType(db, 'VEHICLE'), insertResourceType(db, 'PERSONNEL')]);
  const holdings: Record<string, string[]> = { [own.id]: [], [other.id]: [] };
  // Coordinators and admins lend too (from their own organisation's holdings).
  for (const org of [own.id, other.id, third.id, regional.id, hubOrg.id]) {
    for (const t of types) (holdings[org] ??= []).push(await insertHolding(db, org, t, 500, { lat: 59.3, lng: 18.1 }));
  }
  for (const [incident, t] of [
    [i1.id, 0],
    [i2.id, 1],
    [i1.id, 2],
  ] as const) {
    const r1 = await createRequest(hub, liaisonHeaders, { incidentId: incident, resourceTypeId: types[t], quantity: 40 });
    const r2 = await createRequest(hub, otherHeaders, { incidentId: incident, resourceTypeId: types[t], quantity: 40 });
    await offer(hub, otherHeaders, r1, holdings[other.id][t], 5);
    await offer(hub, liaisonHeaders, r2, holdings[own.id][t], 3);
  }
  await insertLink(db, i1.id, own.id, [other.id, third.id]);
  await insertLink(db, i1.id, other.id, [own.id, third.id], { status: 'ACTIVE' });
  await insertLink(db, i2.id, third.id, [own.id, other.id]);
  // A staff log to follow up and meetings to run: entries of each kind and visibility, owned by each side.
  for (const [org, responsible] of [[own.id, other.id], [other.id, own.id], [third.id, own.id]]) {
    for (const kind of ['NEED', 'QUESTION', 'ACTION']) await insertLogEntry(db, i1.id, org, { kind, responsibleId: responsible });
  }
  await insertLogEntry(db, i1.id, own.id, { kind: 'INFORMATION', visibility: 'INTERNAL', status: 'DONE' });
  await insertLogEntry(db, i1.id, other.id, { kind: 'NEED', visibility: 'RESTRICTED', recipientIds: [own.id] });
  // Scenarios to read, archive and start: each side's own, and a regional one.
  await insertScenario(db, own.id, own.id, [other.id, third.id]);
  await insertScenario(db, other.id, other.id, [own.id]);
  await insertScenario(db, null, own.id, [other.id]);
  // Webhook endpoints (in a documentation address range; no worker runs here) to read, rotate and test.
  for (const org of [own.id, other.id]) {
    await db.query(`INSERT INTO webhook_endpoints (organisation_id, name, url, event_types, secret) VALUES ($1, 'Fuzz', 'https://203.0.113.10/hook', '{SITUATION_REPORT_SUBMITTED}', 'whsec_fuzz')`, [org]);
  }
  // Scenarios only for archiving, so that the ones above stay to be started all run long.
  for (const owner of [own.id, other.id, null]) {
    const { id } = await insertScenario(db, owner, owner ?? own.id, [third.id]);
    await db.query(`UPDATE scenarios SET name = $2 WHERE id = $1`, [id, ARCHIVABLE_SCENARIO]);
  }
  for (const org of [own.id, other.id]) {
    await insertMeeting(db, i1.id, org, { kind: 'STAFF_MEETING' });
    await insertMeeting(db, i1.id, org, { kind: 'COORDINATION_CONFERENCE' });
  }

  return {
    tag,
    principals,
    credentials,
    fixedOrganisations: [own.id, other.id, third.id, regional.id, hubOrg.id, victimOrg.id],
    victims: { organisations: [victimOrg.id], users: victimUsers.map((u) => u.id), apiKeys: [victimKey.id, victimKey2.id] },
    sessionHolders: sessionHolders.map((u) => u.id),
    protectedIds: new Set([own.id, other.id, third.id, regional.id, hubOrg.id, ...users.map((u) => u.user.id), keyAll.id, keyOther.id, keyRead.id, keyNone.id, keyRevoked.id]),
    fixedResourceTypes: types,
    emails: [...victimUsers.map((u) => u.email), ...sessionHolders.map((u) => u.email), 'nobody@test.example'],
  };
}

// ------------------------------------------------------------------ the snapshot

export interface Snapshot {
  organisations: { id: string; active: boolean }[];
  incidents: { id: string; status: string; lead: string; participants: string[] }[];
  reports: { id: string; incidentId: string; organisationId: string; visibility: string; recipients: string[]; latest: boolean }[];
  resourceTypes: string[];
  holdings: { id: string; organisationId: string; resourceTypeId: string; total: number; committed: number }[];
  requests: { id: string; incidentId: string; organisationId: string; resourceTypeId: string; status: string; requested: number; filled: number }[];
  loans: { id: string; incidentId: string; requester: string; lender: string; status: string }[];
  links: { id: string; incidentId: string; initiator: string; status: string; participants: string[] }[];
  logEntries: { id: string; incidentId: string; organisationId: string; visibility: string; recipients: string[]; responsible: string | null; kind: string; status: string }[];
  meetings: { id: string; incidentId: string; organisationId: string; kind: string; status: string; listed: string[] }[];
  scenarios: { id: string; name: string; owner: string | null; lead: string; archived: boolean }[];
  endpoints: { id: string; organisationId: string }[];
  /** Users and API keys that may be changed or revoked: the victims and what the fuzzer created. */
  users: { id: string; organisationId: string }[];
  apiKeys: { id: string; organisationId: string }[];
  auditEvents: string[];
  /** Refresh tokens of the victims, minted for this batch (for refreshSession and logout). */
  refreshTokens: string[];
}

/** The world as it is now (what the last batch changed included), in a stable order. */
export async function takeSnapshot(db: TestApp['db'], w: FuzzWorld): Promise<Snapshot> {
  const orgs: { id: string; active: boolean }[] = await db.query(
    `SELECT id, active FROM organisations WHERE id = ANY($1::uuid[]) OR code LIKE $2 ORDER BY created_at, id`,
    [w.fixedOrganisations, `${w.tag}%`],
  );
  const orgIds = orgs.map((o) => o.id);
  const incidents = await db.query(
    `SELECT i.id, i.status, i.lead_organisation_id AS lead, array_agg(p.organisation_id ORDER BY p.organisation_id) AS participants
       FROM incidents i JOIN incident_participants p ON p.incident_id = i.id
      WHERE i.id IN (SELECT incident_id FROM incident_participants WHERE organisation_id = ANY($1::uuid[]))
      GROUP BY i.id ORDER BY i.created_at, i.id`,
    [orgIds],
  );
  const incidentIds = incidents.map((i: { id: string }) => i.id);
  const [reports, types, holdings, requests, loans, links, logEntries, meetings, scenarios, endpoints, users, apiKeys, audit] = await Promise.all([
    db.query(
      `SELECT r.id, r.incident_id AS "incidentId", r.organisation_id AS "organisationId", r.visibility,
              ARRAY(SELECT x.organisation_id FROM situation_report_recipients x WHERE x.report_id = r.id) AS recipients,
              NOT EXISTS (SELECT 1 FROM situation_reports n WHERE n.supersedes_id = r.id) AS latest
         FROM situation_reports r WHERE r.incident_id = ANY($1::uuid[]) ORDER BY r.submitted_at, r.id`,
      [incidentIds],
    ),
    db.query(`SELECT id FROM resource_types WHERE id = ANY($1::uuid[]) OR code LIKE $2 ORDER BY created_at, id`, [w.fixedResourceTypes, `${w.tag}%`]),
    db.query(
      `SELECT id, organisation_id AS "organisationId", resource_type_id AS "resourceTypeId", quantity_total AS total, quantity_committed AS committed
         FROM resource_holdings WHERE organisation_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [orgIds],
    ),
    db.query(
      `SELECT id, incident_id AS "incidentId", requesting_organisation_id AS "organisationId", resource_type_id AS "resourceTypeId", status,
              quantity_requested AS requested, quantity_filled AS filled
         FROM resource_requests WHERE incident_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [incidentIds],
    ),
    db.query(
      `SELECT l.id, r.incident_id AS "incidentId", r.requesting_organisation_id AS requester, l.lending_organisation_id AS lender, l.status
         FROM resource_loans l JOIN resource_requests r ON r.id = l.request_id WHERE r.incident_id = ANY($1::uuid[]) ORDER BY l.offered_at, l.id`,
      [incidentIds],
    ),
    db.query(
      `SELECT k.id, k.incident_id AS "incidentId", k.initiating_organisation_id AS initiator, k.status,
              ARRAY(SELECT p.organisation_id FROM communication_link_participants p WHERE p.link_id = k.id AND p.organisation_id <> k.initiating_organisation_id) AS participants
         FROM communication_links k WHERE k.incident_id = ANY($1::uuid[]) ORDER BY k.created_at, k.id`,
      [incidentIds],
    ),
    db.query(
      `SELECT e.id, e.incident_id AS "incidentId", e.organisation_id AS "organisationId", e.visibility, e.kind, e.status,
              e.responsible_organisation_id AS responsible, ARRAY(SELECT r.organisation_id FROM log_entry_recipients r WHERE r.entry_id = e.id) AS recipients
         FROM log_entries e WHERE e.incident_id = ANY($1::uuid[]) ORDER BY e.incident_id, e.number`,
      [incidentIds],
    ),
    db.query(
      `SELECT m.id, m.incident_id AS "incidentId", m.organisation_id AS "organisationId", m.kind, m.status,
              ARRAY(SELECT p.organisation_id FROM meeting_participants p WHERE p.meeting_id = m.id) AS listed
         FROM meetings m WHERE m.incident_id = ANY($1::uuid[]) ORDER BY m.starts_at, m.id`,
      [incidentIds],
    ),
    db.query(
      `SELECT s.id, s.name, s.owner_organisation_id AS owner, v.lead_organisation_id AS lead, s.archived
         FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = s.current_version
        WHERE s.owner_organisation_id = ANY($1::uuid[]) OR v.lead_organisation_id = ANY($1::uuid[]) ORDER BY s.created_at, s.id`,
      [orgIds],
    ),
    db.query(`SELECT id, organisation_id AS "organisationId" FROM webhook_endpoints WHERE organisation_id = ANY($1::uuid[]) ORDER BY created_at, id`, [orgIds]),
    db.query(`SELECT id, organisation_id AS "organisationId" FROM users WHERE (id = ANY($1::uuid[]) OR email LIKE $2) ORDER BY created_at, id`, [
      w.victims.users,
      `%@${w.tag.toLowerCase()}.example`,
    ]),
    db.query(
      `SELECT id, organisation_id AS "organisationId" FROM api_keys
        WHERE (id = ANY($1::uuid[]) OR (organisation_id = ANY($2::uuid[]) AND name LIKE $3)) AND revoked_at IS NULL ORDER BY created_at, id`,
      [w.victims.apiKeys, orgIds, `${w.tag}%`],
    ),
    db.query(`SELECT id FROM audit_events ORDER BY sequence DESC LIMIT 20`),
  ]);
  // Fresh refresh tokens, one session each, for refreshSession and logout to use up.
  const refreshTokens = Array.from({ length: 100 }, () => newRefreshToken());
  await db.query(
    `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
     SELECT ($1::uuid[])[1 + (n % cardinality($1::uuid[]))], gen_random_uuid(), h, now() + interval '1 hour' FROM unnest($2::text[]) WITH ORDINALITY AS t(h, n)`,
    [w.sessionHolders, refreshTokens.map(sha256Hex)],
  );
  return {
    organisations: orgs,
    incidents,
    reports,
    resourceTypes: types.map((t: { id: string }) => t.id),
    holdings,
    requests,
    loans,
    links,
    logEntries,
    meetings,
    scenarios,
    endpoints,
    users,
    apiKeys,
    auditEvents: audit.map((a: { id: string }) => a.id),
    refreshTokens,
  };
}
