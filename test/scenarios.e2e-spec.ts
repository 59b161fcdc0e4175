import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, userSession, type Session, type TestUser } from './support/factories.js';
import { insertResourceType } from './support/resource-fixtures.js';
import { ACTIVATE_SCENARIO, CREATE_SCENARIO, scenarioContent } from './support/scenario-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

/*
 * Prepared scenarios (issue 17) over HTTP on a real PostgreSQL: what an activation creates,
 * field by field; idempotency; all or nothing; versions; who sees, edits and activates.
 */

let hub: TestApp;
type Who = TestUser & Session;
let lead: Who; // organisation L: leads the scenario, owns it
let partner: Who; // organisation P: takes part
let outsider: Who; // organisation O: takes no part
let coordinator: Who;
let viewer: Who; // of L
let orgs: { L: string; P: string; Q: string; O: string };
let resourceTypeId: string;

beforeAll(async () => {
  hub = await startTestApp();
  const [L, P, Q, O, regional] = await Promise.all([1, 2, 3, 4, 5].map(() => createOrganisation(hub.db)));
  orgs = { L: L.id, P: P.id, Q: Q.id, O: O.id };
  lead = await userSession(hub, 'LIAISON_OFFICER', L.id);
  partner = await userSession(hub, 'LIAISON_OFFICER', P.id);
  outsider = await userSession(hub, 'LIAISON_OFFICER', O.id);
  coordinator = await userSession(hub, 'COORDINATOR', regional.id);
  viewer = await userSession(hub, 'VIEWER', L.id);
  resourceTypeId = await insertResourceType(hub.db);
});
afterAll(() => hub.close());

const code = (res: { body: { errors?: { extensions: Record<string, any> }[] } }) => res.body.errors?.[0]?.extensions.code;
const field = (res: { body: { errors?: { extensions: Record<string, any> }[] } }) => res.body.errors?.[0]?.extensions.validationErrors?.[0]?.field;

async function createScenario(headers: Record<string, string>, input: Record<string, unknown>): Promise<{ id: string; currentVersion: { id: string; version: number } }> {
  const res = await hub.gql<any>(CREATE_SCENARIO, { input }, headers);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.createScenario;
}

const ownScenario = (participants = [orgs.P, orgs.Q]) => createScenario(lead.headers, { name: 'Långvarigt elavbrott', content: scenarioContent(orgs.L, participants, resourceTypeId) });

/** What an activation leaves in the database, by table. */
async function counts(): Promise<Record<string, number>> {
  const [row] = await hub.db.query(
    `SELECT (SELECT count(*) FROM incidents)::int AS incidents, (SELECT count(*) FROM incident_participants)::int AS participants,
            (SELECT count(*) FROM communication_links)::int AS links, (SELECT count(*) FROM communication_link_participants)::int AS link_participants,
            (SELECT count(*) FROM log_entries)::int AS entries, (SELECT count(*) FROM log_counters)::int AS counters,
            (SELECT count(*) FROM meetings)::int AS meetings, (SELECT count(*) FROM resource_requests)::int AS requests,
            (SELECT count(*) FROM audit_events)::int AS audit`,
  );
  return row;
}

describe('activation', () => {
  it('creates exactly what the scenario describes', async () => {
    const scenario = await ownScenario();
    const startedAt = new Date(Date.now() - 60_000);
    const res = await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: true, startedAt: startedAt.toISOString() } }, lead.headers);
    expect(res.body.errors).toBeUndefined();
    const incident = res.body.data.activateScenario;
    expect(incident).toMatchObject({
      title: 'Långvarigt elavbrott i länet',
      description: 'Elavbrott över 24 timmar i flera kommuner.',
      category: 'POWER_OUTAGE',
      exercise: true,
      startedAt: startedAt.toISOString(),
      scenarioVersion: { id: scenario.currentVersion.id, version: 1 },
    });
    const id = incident.id;
    const at = (minutes: number) => new Date(startedAt.getTime() + minutes * 60_000).toISOString();

    const [row] = await hub.db.query(`SELECT lead_organisation_id, scenario_version_id FROM incidents WHERE id = $1`, [id]);
    expect(row).toEqual({ lead_organisation_id: orgs.L, scenario_version_id: scenario.currentVersion.id });
    const participants = await hub.db.query(`SELECT organisation_id, lead FROM incident_participants WHERE incident_id = $1 ORDER BY lead DESC, organisation_id`, [id]);
    expect(participants).toEqual([{ organisation_id: orgs.L, lead: true }, ...[orgs.P, orgs.Q].sort().map((o) => ({ organisation_id: o, lead: false }))]);

    const links = await hub.db.query(
      `SELECT l.name, l.channel, l.address, l.schedule, l.status, l.initiating_organisation_id,
              ARRAY(SELECT p.organisation_id || ':' || p.status FROM communication_link_participants p WHERE p.link_id = l.id ORDER BY p.organisation_id) AS participants
         FROM communication_links l WHERE l.incident_id = $1`,
      [id],
    );
    expect(links).toEqual([
      {
        name: 'Samverkan el',
        channel: 'RAKEL_TALKGROUP',
        address: 'RG SAMV EL',
        schedule: 'dygnet runt',
        status: 'PROPOSED',
        initiating_organisation_id: orgs.L,
        participants: [`${orgs.L}:ACCEPTED`, `${orgs.P}:INVITED`, `${orgs.Q}:INVITED`].sort(),
      },
    ]);

    const entries = await hub.db.query(
      `SELECT number, kind, title, text, organisation_id, visibility, status, responsible_organisation_id, due_at, occurred_at, author_user_id
         FROM log_entries WHERE incident_id = $1 ORDER BY number`,
      [id],
    );
    expect(entries.map((e: any) => ({ ...e, due_at: e.due_at?.toISOString() ?? null, occurred_at: e.occurred_at.toISOString() }))).toEqual([
      { number: 1, kind: 'ACTION', title: 'Kartlägg kritiska verksamheter', text: 'Äldreboenden, vattenverk', organisation_id: orgs.L, visibility: 'ALL_PARTICIPANTS', status: 'OPEN', responsible_organisation_id: orgs.P, due_at: at(120), occurred_at: at(0), author_user_id: lead.id },
      { number: 2, kind: 'QUESTION', title: 'Behövs trygghetspunkter?', text: null, organisation_id: orgs.L, visibility: 'ALL_PARTICIPANTS', status: 'OPEN', responsible_organisation_id: orgs.L, due_at: at(60), occurred_at: at(0), author_user_id: lead.id },
      { number: 3, kind: 'INFORMATION', title: 'Scenariot Långvarigt elavbrott är aktiverat', text: null, organisation_id: orgs.L, visibility: 'ALL_PARTICIPANTS', status: 'DONE', responsible_organisation_id: null, due_at: null, occurred_at: at(0), author_user_id: lead.id },
      // The reporting rhythm (reportIntervalMinutes 240), asked of every participant.
      {
        number: 4, kind: 'INFORMATION', title: 'Rapporteringsrytm: lägesrapport var 4 h', organisation_id: orgs.L, visibility: 'ALL_PARTICIPANTS', status: 'DONE', responsible_organisation_id: null, due_at: null, occurred_at: at(0), author_user_id: lead.id,
        text: 'Varje deltagande aktör lämnar en lägesrapport minst var 4 h, den första inom 4 h från start, och anger i varje rapport när nästa kommer.',
      },
    ]);

    const meetings = await hub.db.query(
      `SELECT kind, title, organisation_id, status, starts_at, to_char(starts_at AT TIME ZONE 'Europe/Stockholm', 'HH24:MI') AS local FROM meetings WHERE incident_id = $1 ORDER BY starts_at`,
      [id],
    );
    expect(meetings).toHaveLength(2);
    expect(meetings[0]).toMatchObject({ kind: 'COORDINATION_CONFERENCE', title: 'Samverkanskonferens', organisation_id: orgs.L, status: 'PLANNED' });
    expect(meetings[0].starts_at.toISOString()).toBe(at(60));
    expect(meetings[1]).toMatchObject({ kind: 'COORDINATION_CONFERENCE', title: 'Samverkanskonferens', organisation_id: orgs.L, local: '08:00' });
    expect(meetings[1].starts_at.getTime() - meetings[0].starts_at.getTime()).toBeGreaterThan(0);
    expect(meetings[1].starts_at.getTime() - meetings[0].starts_at.getTime()).toBeLessThanOrEqual(24 * 3600_000);

    const requests = await hub.db.query(
      `SELECT requesting_organisation_id, resource_type_id, quantity_requested, priority, justification, status FROM resource_requests WHERE incident_id = $1`,
      [id],
    );
    expect(requests).toEqual([{ requesting_organisation_id: orgs.L, resource_type_id: resourceTypeId, quantity_requested: 4, priority: 'HIGH', justification: 'Reservkraft', status: 'OPEN' }]);

    const [audit] = await hub.db.query(`SELECT details FROM audit_events WHERE action = 'scenario.activate' AND entity_id = $1`, [scenario.id]);
    expect(JSON.parse(audit.details)).toMatchObject({ incidentId: id, versionId: scenario.currentVersion.id, version: 1, exercise: true });

    // The partner reads it as a participant.
    const seen = await hub.gql<any>(`query ($id: ID!) { incident(id: $id) { id participants { lead } scenarioVersion { name reportIntervalMinutes } } }`, { id }, partner.headers);
    expect(seen.body.data.incident.scenarioVersion).toEqual({ name: 'Långvarigt elavbrott', reportIntervalMinutes: 240 });
  });

  it('twice with the same Idempotency-Key starts one incident', async () => {
    const scenario = await ownScenario();
    const headers = { ...lead.headers, 'idempotency-key': `activate-${scenario.id}` };
    const first = await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: false } }, headers);
    const second = await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: false } }, headers);
    expect(first.body.errors).toBeUndefined();
    expect(second.body.data?.activateScenario.id).toBe(first.body.data.activateScenario.id);
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM incidents WHERE scenario_version_id = $1`, [scenario.currentVersion.id]);
    expect(n).toBe(1);
  });

  it('leaves nothing behind when an organisation was deactivated since', async () => {
    const dropped = await createOrganisation(hub.db);
    const scenario = await ownScenario([orgs.P, dropped.id]);
    await hub.db.query(`UPDATE organisations SET active = false WHERE id = $1`, [dropped.id]);
    const before = await counts();
    const res = await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: false } }, lead.headers);
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(field(res)).toBe('scenario.participantOrganisationIds');
    expect(await counts()).toEqual(before);
  });

  it('refuses an archived scenario (CONFLICT)', async () => {
    const scenario = await ownScenario();
    expect((await hub.gql<any>(`mutation ($id: ID!) { archiveScenario(id: $id) { archived } }`, { id: scenario.id }, lead.headers)).body.data.archiveScenario.archived).toBe(true);
    const res = await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: false } }, lead.headers);
    expect(code(res)).toBe('CONFLICT');
  });
});

describe('versions', () => {
  it('an edit after activation changes neither the incident nor its recorded version', async () => {
    const scenario = await ownScenario();
    const started = (await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: false } }, lead.headers)).body.data.activateScenario;
    const edited = await hub.gql<any>(
      `mutation ($input: UpdateScenarioInput!) { updateScenario(input: $input) { name currentVersion { id version title logEntries { title } } } }`,
      { input: { scenarioId: scenario.id, name: 'Elavbrott v2', content: { ...scenarioContent(orgs.L, [orgs.P]), title: 'Ny rubrik', logEntries: [] } } },
      lead.headers,
    );
    expect(edited.body.errors).toBeUndefined();
    expect(edited.body.data.updateScenario).toMatchObject({ name: 'Elavbrott v2', currentVersion: { version: 2, title: 'Ny rubrik', logEntries: [] } });
    const after = await hub.gql<any>(
      `query ($id: ID!) { incident(id: $id) { title participants { lead } scenarioVersion { id version title logEntries { title } } } }`,
      { id: started.id },
      lead.headers,
    );
    expect(after.body.data.incident).toMatchObject({ title: 'Långvarigt elavbrott i länet', scenarioVersion: { id: scenario.currentVersion.id, version: 1, title: 'Långvarigt elavbrott i länet' } });
    expect(after.body.data.incident.scenarioVersion.logEntries).toHaveLength(3);
    expect(after.body.data.incident.participants).toHaveLength(3);
    // The database refuses to change a version, whoever asks.
    await expect(hub.db.query(`UPDATE scenario_versions SET name = 'x' WHERE id = $1`, [scenario.currentVersion.id])).rejects.toThrow(/immutable/);
  });
});

describe('validation', () => {
  const bad = async (content: Record<string, unknown>) => hub.gql<any>(CREATE_SCENARIO, { input: { name: 'Fel', content } }, lead.headers);

  it('names the field: a link to an organisation that takes no part', async () => {
    const content = scenarioContent(orgs.L, [orgs.P]);
    const res = await bad({ ...content, links: [{ ...content.links[0], participantOrganisationIds: [orgs.O] }] });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(field(res)).toBe('input.content.links[0].participantOrganisationIds');
  });

  it('names the field: an unknown organisation', async () => {
    const res = await bad(scenarioContent(orgs.L, [orgs.P, '00000000-0000-4000-8000-000000000001']));
    expect(field(res)).toBe('input.content.participantOrganisationIds');
  });

  it('names the field: meetings whose offsets go backwards', async () => {
    const content = scenarioContent(orgs.L, [orgs.P]);
    const res = await bad({ ...content, meetings: [{ kind: 'STAFF_MEETING', title: 'Stab', offsetMinutes: 120 }, { kind: 'STAFF_MEETING', title: 'Stab', offsetMinutes: 30 }] });
    expect(field(res)).toBe('input.content.meetings[1].offsetMinutes');
  });

  it('names the field: a responsible organisation that takes no part', async () => {
    const content = scenarioContent(orgs.L, [orgs.P]);
    const res = await bad({ ...content, logEntries: [{ kind: 'ACTION', title: 'X', responsibleOrganisationId: orgs.O }] });
    expect(field(res)).toBe('input.content.logEntries[0].responsibleOrganisationId');
  });
});

describe('who sees, edits and activates', () => {
  const read = (id: string, headers: Record<string, string>) => hub.gql<any>(`query ($id: ID!) { scenario(id: $id) { id shared } }`, { id }, headers);
  const rename = (id: string, headers: Record<string, string>) =>
    hub.gql<any>(`mutation ($input: UpdateScenarioInput!) { updateScenario(input: $input) { name } }`, { input: { scenarioId: id, name: 'Omdöpt' } }, headers);

  it("an organisation's scenario: its users see it, its liaison officers edit it; others do not see it", async () => {
    const scenario = await ownScenario();
    expect((await read(scenario.id, viewer.headers)).body.data.scenario.shared).toBe(false);
    expect(code(await read(scenario.id, outsider.headers))).toBe('NOT_FOUND');
    expect(code(await rename(scenario.id, viewer.headers))).toBe('FORBIDDEN');
    expect(code(await rename(scenario.id, partner.headers))).toBe('NOT_FOUND');
    expect(code(await rename(scenario.id, coordinator.headers))).toBe('FORBIDDEN');
    expect((await rename(scenario.id, lead.headers)).body.data.updateScenario.name).toBe('Omdöpt');
    const list = await hub.gql<any>(`{ scenarios(first: 100) { nodes { id } } }`, undefined, outsider.headers);
    expect(list.body.data.scenarios.nodes.map((n: { id: string }) => n.id)).not.toContain(scenario.id);
  });

  it('a regional scenario: made and edited by a coordinator, seen by all, activated by the lead or a coordinator', async () => {
    expect(code(await hub.gql<any>(CREATE_SCENARIO, { input: { name: 'Storm', shared: true, content: scenarioContent(orgs.L, [orgs.P]) } }, lead.headers))).toBe('FORBIDDEN');
    const scenario = await createScenario(coordinator.headers, { name: 'Storm', shared: true, content: scenarioContent(orgs.L, [orgs.P]) });
    expect((await read(scenario.id, outsider.headers)).body.data.scenario.shared).toBe(true);
    expect(code(await rename(scenario.id, lead.headers))).toBe('FORBIDDEN');
    expect(code(await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: true } }, partner.headers))).toBe('FORBIDDEN');
    expect(code(await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: true } }, viewer.headers))).toBe('FORBIDDEN');
    expect((await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: true } }, lead.headers)).body.errors).toBeUndefined();
    expect((await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: true } }, coordinator.headers)).body.errors).toBeUndefined();
  });
});

describe('the printable card', () => {
  const card = (id: string, headers: Record<string, string>, query = '') => fetch(`${hub.url}/scenarios/${id}/card${query}`, { headers });

  it('shows the current version with names, as JSON and as escaped HTML, to whoever sees the scenario', async () => {
    const scenario = await createScenario(lead.headers, { name: 'Vattenbrist <i>', content: scenarioContent(orgs.L, [orgs.P], resourceTypeId) });
    const json = await card(scenario.id, viewer.headers, '?format=json');
    expect(json.status).toBe(200);
    const body = await json.json();
    expect(body).toMatchObject({
      scenario: { name: 'Vattenbrist <i>', shared: false },
      version: { version: 1 },
      participants: [expect.any(String)],
      links: [{ name: 'Samverkan el', channel: 'RAKEL_TALKGROUP', invited: [expect.any(String)] }],
      logEntries: [{ kind: 'ACTION', dueOffsetMinutes: 120 }, { kind: 'QUESTION' }, { kind: 'INFORMATION', responsible: null }],
      meetings: [{ offsetMinutes: 60, dailyAt: '08:00' }],
      resourceNeeds: [{ quantity: 4, priority: 'HIGH' }],
    });
    const html = await card(scenario.id, { ...viewer.headers, accept: 'text/html' });
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const text = await html.text();
    expect(text).toContain('Vattenbrist &lt;i&gt;');
    expect(text).toContain('+2 h');
    expect((await card(scenario.id, outsider.headers, '?format=json')).status).toBe(404);
    expect((await card(scenario.id, {}, '?format=json')).status).toBe(401);
  });
});

describe('activation notifies the participants', () => {
  it('through the existing subscriptions: a participant sees the new incident and its first log entries arrive, an outsider nothing', async () => {
    const scenario = await ownScenario();
    const forPartner = await WsClient.forToken(hub.url, partner.accessToken);
    const forOutsider = await WsClient.forToken(hub.url, outsider.accessToken);
    try {
      const incidents = await forPartner.subscribe(`subscription { incidentChanged { id title } }`);
      const entries = await forPartner.subscribe(`subscription { logEntryChanged { number title incident { id } } }`);
      const outsiders = await forOutsider.subscribe(`subscription { incidentChanged { id } }`);
      const res = await hub.gql<any>(ACTIVATE_SCENARIO, { input: { scenarioId: scenario.id, exercise: true } }, lead.headers);
      expect(res.body.errors).toBeUndefined();
      const incident = res.body.data.activateScenario;
      const seen: string[] = [];
      for (const r of [await incidents.next(), ...(await incidents.drain(300))]) seen.push(r.data!.incidentChanged.id);
      expect(seen).toContain(incident.id);
      const numbers: number[] = [];
      for (let i = 0; i < 4; i++) numbers.push((await entries.next()).data!.logEntryChanged.number);
      expect(numbers.sort()).toEqual([1, 2, 3, 4]);
      expect(await outsiders.drain(300)).toEqual([]);
    } finally {
      await forPartner.close();
      await forOutsider.close();
    }
  });
});
