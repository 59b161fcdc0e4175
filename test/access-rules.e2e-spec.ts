import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccessService } from '../src/common/access/access.service.js';
import { Permission } from '../src/common/access/permission.js';
import type { Principal } from '../src/common/auth/principal.js';
import { ApiScope, Role } from '../src/common/auth/roles.js';
import { RequestContext } from '../src/common/request/request-context.js';
import { createOrganisation, createUser } from './support/factories.js';
import { insertIncident } from './support/incident-fixtures.js';
import { insertLink } from './support/link-fixtures.js';
import { insertLogEntry, insertMeeting } from './support/log-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
let access: AccessService;
beforeAll(async () => {
  hub = await startTestApp();
  access = hub.app.get(AccessService);
});
afterAll(() => hub.close());

function principal(kind: 'user' | 'apiKey', role: Role, organisationId: string): Principal {
  return { kind, role, organisationId, userId: kind === 'user' ? '00000000-0000-4000-8000-000000000001' : null, apiKeyId: kind === 'apiKey' ? '00000000-0000-4000-8000-000000000002' : null, scopes: kind === 'apiKey' ? Object.values(ApiScope) : null };
}

function ctxFor(p: Principal): RequestContext {
  const ctx = new RequestContext('access-spec', null);
  ctx.principal = p;
  return ctx;
}

describe('the access layer', () => {
  it('has exactly one rule for every permission of the vocabulary', () => {
    expect([...access.registered()].sort()).toEqual(Object.values(Permission).sort());
  });

  it('answers NOT_FOUND alike for a record that does not exist and one the caller may not see, FORBIDDEN for one it sees but may not use', async () => {
    const lead = await createOrganisation(hub.db);
    const other = await createOrganisation(hub.db);
    const incident = await insertIncident(hub.db, [lead.id]);
    const outsider = ctxFor(principal('user', Role.LIAISON_OFFICER, other.id));
    const code = (p: Promise<unknown>) => p.then(() => 'OK', (e: { code?: string }) => e.code);
    expect(await code(access.requireAccess(outsider, Permission.IncidentRead, incident.id))).toBe('NOT_FOUND');
    expect(await code(access.requireAccess(outsider, Permission.IncidentRead, '00000000-0000-4000-8000-00000000dead'))).toBe('NOT_FOUND');
    expect(await code(access.requireAccess(outsider, Permission.IncidentRead, 'not-a-uuid'))).toBe('NOT_FOUND');
    const coordinator = ctxFor(principal('user', Role.COORDINATOR, other.id));
    expect(await code(access.requireAccess(coordinator, Permission.IncidentRead, incident.id))).toBe('OK');
    expect(await code(access.requireAccess(coordinator, Permission.IncidentContribute, incident.id))).toBe('FORBIDDEN');
  });

  /*
   * A subscription decides from the facts its event carries (fromFacts), a query with SQL
   * (decide): for every kind of principal and every kind of record, both must give the same answer.
   */
  it("decides each subscription's facts exactly as its SQL rule decides the record", async () => {
    const author = await createOrganisation(hub.db);
    const recipient = await createOrganisation(hub.db);
    const bystander = await createOrganisation(hub.db);
    const outsider = await createOrganisation(hub.db);
    const participants = [author.id, recipient.id, bystander.id];
    const incident = await insertIncident(hub.db, participants);
    const [open] = await hub.db.query(
      `INSERT INTO situation_reports (incident_id, organisation_id, version, operational_status, situation, visibility)
       VALUES ($1, $2, 1, 'NORMAL', 'Läge', 'ALL_PARTICIPANTS') RETURNING id`,
      [incident.id, author.id],
    );
    const [restricted] = await hub.db.query(
      `INSERT INTO situation_reports (incident_id, organisation_id, version, operational_status, situation, visibility)
       VALUES ($1, $2, 1, 'NORMAL', 'Läge', 'RESTRICTED') RETURNING id`,
      [incident.id, bystander.id],
    );
    await hub.db.query(`INSERT INTO situation_report_recipients (report_id, incident_id, organisation_id) VALUES ($1, $2, $3)`, [restricted.id, incident.id, recipient.id]);
    const link = await insertLink(hub.db, incident.id, author.id, [recipient.id]);
    const user = await createUser(hub.db, author.id, 'LIAISON_OFFICER');

    // Log entries of each visibility (a RESTRICTED one with a responsible organisation besides its recipient), and meetings of each kind.
    const entries = [
      { visibility: 'ALL_PARTICIPANTS', recipients: [] as string[], responsible: null as string | null },
      { visibility: 'INTERNAL', recipients: [], responsible: author.id },
      { visibility: 'RESTRICTED', recipients: [recipient.id], responsible: bystander.id },
      { visibility: 'RESTRICTED', recipients: [recipient.id], responsible: null },
    ];
    const logEntries = [];
    for (const e of entries) {
      const id = await insertLogEntry(hub.db, incident.id, author.id, { visibility: e.visibility, recipientIds: e.recipients, responsibleId: e.responsible ?? undefined });
      logEntries.push({ id, facts: { participantOrganisationIds: participants, organisationId: author.id, visibility: e.visibility, recipientOrganisationIds: e.recipients, responsibleOrganisationId: e.responsible } });
    }
    const meetings = [];
    for (const m of [
      { kind: 'STAFF_MEETING', listed: [] as string[] },
      { kind: 'COORDINATION_CONFERENCE', listed: [] },
      { kind: 'COORDINATION_CONFERENCE', listed: [author.id, recipient.id] },
    ]) {
      const id = await insertMeeting(hub.db, incident.id, author.id, { kind: m.kind, listedIds: m.listed });
      meetings.push({ id, facts: { participantOrganisationIds: participants, organisationId: author.id, kind: m.kind, listedOrganisationIds: m.listed } });
    }

    const principals: Principal[] = [];
    for (const org of [author.id, recipient.id, bystander.id, outsider.id]) {
      for (const role of Object.values(Role)) principals.push(principal('user', role, org));
      principals.push(principal('apiKey', Role.LIAISON_OFFICER, org));
    }
    const reports = [
      { id: open.id, facts: { participantOrganisationIds: participants, organisationId: author.id, visibility: 'ALL_PARTICIPANTS', recipientOrganisationIds: [] } },
      { id: restricted.id, facts: { participantOrganisationIds: participants, organisationId: bystander.id, visibility: 'RESTRICTED', recipientOrganisationIds: [recipient.id] } },
    ];
    const disagreements: string[] = [];
    for (const p of principals) {
      const who = `${p.kind} ${p.role} of ${[author.id, recipient.id, bystander.id, outsider.id].indexOf(p.organisationId)}`;
      const incidentFacts = { participantOrganisationIds: participants };
      const checks: [Permission, string, unknown][] = [
        [Permission.IncidentRead, incident.id, incidentFacts],
        [Permission.LinkRead, link, incidentFacts],
        ...reports.map((r) => [Permission.ReportRead, r.id, r.facts] as [Permission, string, unknown]),
        [Permission.UserContactRead, user.id, { organisationId: author.id }],
        ...logEntries.map((r) => [Permission.LogEntryRead, r.id, r.facts] as [Permission, string, unknown]),
        ...meetings.map((r) => [Permission.MeetingRead, r.id, r.facts] as [Permission, string, unknown]),
      ];
      for (const [permission, id, facts] of checks) {
        const bySql = (await access.checkAccess(ctxFor(p), permission, [id])).has(id);
        const byFacts = access.allowsByFacts(p, permission, facts);
        if (bySql !== byFacts) disagreements.push(`${permission} ${id} as ${who}: SQL ${bySql}, facts ${byFacts}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
