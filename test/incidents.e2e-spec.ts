import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createOrganisation, uniqueTag, userSession } from './support/factories.js';
import { insertIncident } from './support/incident-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CREATE = `mutation ($input: CreateIncidentInput!) {
  createIncident(input: $input) { id reference title status exercise category location { latitude longitude } locationName closedAt
    participants { lead organisation { id } } }
}`;

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

describe('createIncident', () => {
  it('makes the creator lead, invites the others and gives a reference of the year', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const invited = await createOrganisation(hub.db);
    const res = await hub.gql(
      CREATE,
      {
        input: {
          title: 'Skyfall i Täby',
          description: 'Översvämmade källare',
          category: 'FLOOD',
          location: { latitude: 59.44, longitude: 18.07 },
          locationName: 'Täby centrum',
          participantOrganisationIds: [invited.id, lead.organisationId],
        },
      },
      lead.headers,
    );
    expect(res.body.errors).toBeUndefined();
    const inc = res.body.data!.createIncident;
    expect(inc).toMatchObject({ title: 'Skyfall i Täby', status: 'ACTIVE', exercise: false, category: 'FLOOD', location: { latitude: 59.44, longitude: 18.07 }, closedAt: null });
    expect(inc.reference).toMatch(new RegExp(`^${new Date().getUTCFullYear()}-\\d{4,}$`));
    expect(inc.participants).toEqual([
      { lead: true, organisation: { id: lead.organisationId } },
      { lead: false, organisation: { id: invited.id } },
    ]);
    const [audit] = await hub.db.query(`SELECT action FROM audit_events WHERE entity_id = $1`, [inc.id]);
    expect(audit.action).toBe('incident.create');
  });

  it('gives 25 concurrent creations 25 different consecutive references', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => hub.gql(CREATE, { input: { title: `Samtidig ${i}`, description: 'x', category: 'OTHER' } }, lead.headers)),
    );
    const refs = results.map((r) => {
      expect(r.body.errors).toBeUndefined();
      return r.body.data!.createIncident.reference as string;
    });
    expect(new Set(refs).size).toBe(25);
    const numbers = refs.map((r) => Number(r.split('-')[1])).sort((a, b) => a - b);
    expect(numbers[24] - numbers[0]).toBe(24);
  });

  it('refuses unknown invited organisations, over-long titles and VIEWERs, leaving no incident behind', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const title = `Ogiltig ${uniqueTag()}`;
    const unknown = await hub.gql(
      CREATE,
      { input: { title, description: 'x', category: 'OTHER', participantOrganisationIds: ['00000000-0000-4000-8000-000000000000'] } },
      lead.headers,
    );
    expect(unknown.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(unknown.body.errors?.[0].extensions.validationErrors[0].field).toBe('input.participantOrganisationIds');
    const long = await hub.gql(CREATE, { input: { title: 'x'.repeat(201), description: 'x', category: 'OTHER' } }, lead.headers);
    expect(long.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(long.body.errors?.[0].extensions.validationErrors[0].field).toBe('input.title');
    const viewer = await userSession(hub, 'VIEWER', lead.organisationId);
    const refused = await hub.gql(CREATE, { input: { title, description: 'x', category: 'OTHER' } }, viewer.headers);
    expect(refused.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const key = await createApiKey(hub.db, lead.organisationId, ['INCIDENTS_READ', 'REPORTS_WRITE']);
    const byKey = await hub.gql(CREATE, { input: { title, description: 'x', category: 'OTHER' } }, key.headers);
    expect(byKey.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(await hub.db.query(`SELECT 1 FROM incidents WHERE title = $1`, [title])).toEqual([]);
  });
});

describe('incident and incidents: who sees what', () => {
  it('a non-participant gets NOT_FOUND for the incident, a coordinator sees it, and lists show only what one may see', async () => {
    const own = await userSession(hub, 'VIEWER');
    const outsider = await userSession(hub, 'LIAISON_OFFICER');
    const coordinator = await userSession(hub, 'COORDINATOR');
    const inc = await insertIncident(hub.db, [own.organisationId]);
    const q = `query ($id: ID!) { incident(id: $id) { id reference } }`;
    expect((await hub.gql(q, { id: inc.id }, own.headers)).body.data?.incident).toEqual({ id: inc.id, reference: inc.reference });
    const hidden = await hub.gql(q, { id: inc.id }, outsider.headers);
    expect(hidden.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(hidden.body.data?.incident ?? null).toBeNull();
    const missing = await hub.gql(q, { id: '00000000-0000-4000-8000-000000000000' }, own.headers);
    expect(missing.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await hub.gql(q, { id: inc.id }, coordinator.headers)).body.data?.incident.id).toBe(inc.id);

    const list = `query ($s: String) { incidents(filter: { search: $s }) { totalCount nodes { id } } }`;
    expect((await hub.gql(list, { s: inc.reference }, own.headers)).body.data?.incidents).toEqual({ totalCount: 1, nodes: [{ id: inc.id }] });
    expect((await hub.gql(list, { s: inc.reference }, outsider.headers)).body.data?.incidents).toEqual({ totalCount: 0, nodes: [] });
    expect((await hub.gql(list, { s: inc.reference }, coordinator.headers)).body.data?.incidents.totalCount).toBe(1);
  });

  it('filters by status, category, participant, exercise and free text over title, description, reference and place', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const other = await createOrganisation(hub.db);
    const tag = uniqueTag();
    const mk = async (input: Record<string, unknown>) =>
      (await hub.gql(CREATE, { input: { description: 'x', category: 'OTHER', ...input } }, lead.headers)).body.data!.createIncident;
    const flood = await mk({ title: `Flood ${tag}`, category: 'FLOOD', participantOrganisationIds: [other.id] });
    const drill = await mk({ title: `Övning ${tag}`, exercise: true });
    const placed = await mk({ title: 'Brand', description: `Brand vid ${tag}_%`, locationName: `Hamnen ${tag}` });
    const closed = await mk({ title: `Stängd ${tag}` });
    await hub.gql(`mutation ($id: ID!) { updateIncident(id: $id, input: { status: CLOSED }) { id } }`, { id: closed.id }, lead.headers);

    const ids = async (filter: Record<string, unknown>) => {
      const res = await hub.gql(`query ($f: IncidentFilter) { incidents(filter: $f, first: 100) { totalCount nodes { id } } }`, { f: filter }, lead.headers);
      expect(res.body.errors).toBeUndefined();
      const c = res.body.data!.incidents;
      expect(c.totalCount).toBe(c.nodes.length);
      return c.nodes.map((n: { id: string }) => n.id);
    };
    expect(await ids({ search: tag })).toEqual([closed.id, placed.id, drill.id, flood.id]);
    expect(await ids({ search: tag, status: ['CLOSED'] })).toEqual([closed.id]);
    expect(await ids({ search: tag, status: ['ACTIVE', 'MONITORING'] })).toEqual([placed.id, drill.id, flood.id]);
    expect(await ids({ search: tag, category: ['FLOOD'] })).toEqual([flood.id]);
    expect(await ids({ search: tag, exercise: true })).toEqual([drill.id]);
    expect(await ids({ search: tag, participantOrganisationId: other.id })).toEqual([flood.id]);
    expect(await ids({ search: `${tag}_%` })).toEqual([placed.id]);
    expect(await ids({ search: `hamnen ${tag.toLowerCase()}` })).toEqual([placed.id]);
    expect(await ids({ search: flood.reference })).toEqual([flood.id]);
    expect(await ids({ search: `${tag}%x` })).toEqual([]);
  });

  it('pages newest first and returns every incident exactly once while new ones are created between pages', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const tag = uniqueTag();
    const create = async (i: number) =>
      (await hub.gql(CREATE, { input: { title: `Sida ${tag} ${i}`, description: 'x', category: 'OTHER' } }, lead.headers)).body.data!.createIncident.id as string;
    const before: string[] = [];
    for (let i = 0; i < 7; i++) before.push(await create(i));
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: any = await hub.gql(
        `query ($s: String, $after: String) { incidents(filter: { search: $s }, first: 3, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { s: tag, after },
        lead.headers,
      );
      expect(res.body.errors).toBeUndefined();
      seen.push(...res.body.data.incidents.edges.map((e: any) => e.node.id));
      await create(100 + page); // newer than everything already listed: it must not shift the pages
      if (!res.body.data.incidents.pageInfo.hasNextPage) break;
      after = res.body.data.incidents.pageInfo.endCursor;
    }
    expect(seen).toEqual([...before].reverse());
  });
});

describe('updateIncident and addIncidentParticipant', () => {
  const UPDATE = `mutation ($id: ID!, $input: UpdateIncidentInput!) { updateIncident(id: $id, input: $input) { id title status closedAt } }`;
  const ADD = `mutation ($i: ID!, $o: ID!) { addIncidentParticipant(incidentId: $i, organisationId: $o) { id participants { organisation { id } lead } } }`;

  it('lets the lead and a coordinator change it; another participant is FORBIDDEN, an outsider NOT_FOUND', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const participant = await userSession(hub, 'LIAISON_OFFICER');
    const outsider = await userSession(hub, 'LIAISON_OFFICER');
    const coordinator = await userSession(hub, 'COORDINATOR');
    const inc = await insertIncident(hub.db, [lead.organisationId, participant.organisationId]);
    const ok = await hub.gql(UPDATE, { id: inc.id, input: { title: 'Ny titel', status: 'MONITORING' } }, lead.headers);
    expect(ok.body.data?.updateIncident).toEqual({ id: inc.id, title: 'Ny titel', status: 'MONITORING', closedAt: null });
    expect((await hub.gql(UPDATE, { id: inc.id, input: { status: 'ACTIVE' } }, coordinator.headers)).body.data?.updateIncident.status).toBe('ACTIVE');
    expect((await hub.gql(UPDATE, { id: inc.id, input: { title: 'Nej' } }, participant.headers)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await hub.gql(UPDATE, { id: inc.id, input: { title: 'Nej' } }, outsider.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const [row] = await hub.db.query(`SELECT title, status FROM incidents WHERE id = $1`, [inc.id]);
    expect(row).toEqual({ title: 'Ny titel', status: 'ACTIVE' });
  });

  it('closing sets closedAt; afterwards nothing changes or joins (CONFLICT INCIDENT_CLOSED)', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const newcomer = await createOrganisation(hub.db);
    const inc = await insertIncident(hub.db, [lead.organisationId]);
    const closed = await hub.gql(UPDATE, { id: inc.id, input: { status: 'CLOSED' } }, lead.headers);
    expect(closed.body.data?.updateIncident.status).toBe('CLOSED');
    expect(Date.parse(closed.body.data?.updateIncident.closedAt)).toBeGreaterThan(Date.now() - 60_000);
    const reopen = await hub.gql(UPDATE, { id: inc.id, input: { status: 'ACTIVE' } }, lead.headers);
    expect(reopen.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INCIDENT_CLOSED' });
    const join = await hub.gql(ADD, { i: inc.id, o: newcomer.id }, lead.headers);
    expect(join.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INCIDENT_CLOSED' });
    expect(await hub.db.query(`SELECT 1 FROM incident_participants WHERE incident_id = $1 AND organisation_id = $2`, [inc.id, newcomer.id])).toEqual([]);
    const [row] = await hub.db.query(`SELECT status FROM incidents WHERE id = $1`, [inc.id]);
    expect(row.status).toBe('CLOSED');
  });

  it('a participant invites an organisation, which then sees the incident; twice is CONFLICT DUPLICATE', async () => {
    const member = await userSession(hub, 'LIAISON_OFFICER');
    const joiner = await userSession(hub, 'VIEWER');
    const inc = await insertIncident(hub.db, [(await createOrganisation(hub.db)).id, member.organisationId]);
    const q = `query ($id: ID!) { incident(id: $id) { id } }`;
    expect((await hub.gql(q, { id: inc.id }, joiner.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const added = await hub.gql(ADD, { i: inc.id, o: joiner.organisationId }, member.headers);
    expect(added.body.data?.addIncidentParticipant.participants).toContainEqual({ organisation: { id: joiner.organisationId }, lead: false });
    expect((await hub.gql(q, { id: inc.id }, joiner.headers)).body.data?.incident.id).toBe(inc.id);
    const again = await hub.gql(ADD, { i: inc.id, o: joiner.organisationId }, member.headers);
    expect(again.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE' });
    const outsider = await userSession(hub, 'LIAISON_OFFICER');
    expect((await hub.gql(ADD, { i: inc.id, o: outsider.organisationId }, outsider.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });
});
