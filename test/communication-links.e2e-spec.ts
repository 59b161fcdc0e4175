import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { DEMO_INCIDENT } from '../src/demo/demo-region.data.js';
import { loadDemoRegion } from '../src/demo/seed-demo-region.js';
import { createApiKey, createOrganisation, userSession, type OrganisationRow } from './support/factories.js';
import { insertIncident, insertLink } from './support/link-fixtures.js';
import { redisAvailable, TEST_REDIS_URL } from './support/redis.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const LINK = `id name channel address schedule status createdAt activatedAt closedAt
  initiatingOrganisation { id }
  incident { id reference }
  participants { organisation { id dutyOfficerPhone } status contactName contactPhone respondedAt }`;

const PROPOSE = `mutation ($input: ProposeCommunicationLinkInput!) { proposeCommunicationLink(input: $input) { ${LINK} } }`;
const RESPOND = `mutation ($input: RespondToCommunicationLinkInput!) { respondToCommunicationLink(input: $input) { ${LINK} } }`;
const CLOSE = `mutation ($id: ID!) { closeCommunicationLink(id: $id) { ${LINK} } }`;
const ONE = `query ($id: ID!) { communicationLink(id: $id) { ${LINK} } }`;

type Headers = Record<string, string>;
type Org = OrganisationRow;

let hub: TestApp;
let A: Org, B: Org, C: Org, D: Org, X: Org;
let liaisonA: Headers, liaisonB: Headers, viewerB: Headers, liaisonC: Headers, liaisonD: Headers, coordinator: Headers, admin: Headers;
let keyA: Headers, keyANoLinks: Headers, keyALinksOnly: Headers;

beforeAll(async () => {
  hub = await startTestApp();
  A = await createOrganisation(hub.db, { kind: 'POLICE', name: 'Links Polisen', dutyOfficerPhone: '+46 8 465 004 11' });
  B = await createOrganisation(hub.db, { kind: 'MUNICIPALITY', name: 'Links Kommun', dutyOfficerPhone: '+46 8 465 004 12' });
  C = await createOrganisation(hub.db, { kind: 'RESCUE_SERVICE', name: 'Links Räddningstjänst', dutyOfficerPhone: '+46 8 465 004 13' });
  D = await createOrganisation(hub.db, { kind: 'UTILITY', name: 'Links Outsider' });
  X = await createOrganisation(hub.db, { kind: 'COUNTY_ADMINISTRATIVE_BOARD' });
  liaisonA = (await userSession(hub, 'LIAISON_OFFICER', A.id)).headers;
  liaisonB = (await userSession(hub, 'LIAISON_OFFICER', B.id)).headers;
  viewerB = (await userSession(hub, 'VIEWER', B.id)).headers;
  liaisonC = (await userSession(hub, 'LIAISON_OFFICER', C.id)).headers;
  liaisonD = (await userSession(hub, 'LIAISON_OFFICER', D.id)).headers;
  coordinator = (await userSession(hub, 'COORDINATOR', X.id)).headers;
  admin = (await userSession(hub, 'ADMIN', X.id)).headers;
  // LINK selects the link's incident, which INCIDENTS_READ guards wherever it appears.
  keyA = (await createApiKey(hub.db, A.id, ['INCIDENTS_READ', 'LINKS_READ', 'LINKS_WRITE'])).headers;
  keyANoLinks = (await createApiKey(hub.db, A.id, ['INCIDENTS_READ'])).headers;
  keyALinksOnly = (await createApiKey(hub.db, A.id, ['LINKS_READ'])).headers;
});
afterAll(() => hub.close());

/** A fresh incident led by A, with B and C taking part (D and X do not). */
function incident(fields: Parameters<typeof insertIncident>[2] = {}) {
  return insertIncident(hub.db, [A.id, B.id, C.id], fields);
}

let addressCounter = 0;
function proposal(incidentId: string, overrides: Record<string, unknown> = {}) {
  addressCounter += 1;
  return {
    incidentId,
    name: 'Samverkanskonferens',
    channel: 'TELEPHONE_CONFERENCE',
    address: `+46 8 465 004 50 #${addressCounter}`,
    schedule: 'daily 08:00 and 16:00',
    participantOrganisationIds: [B.id, C.id],
    contactName: 'Anna Andersson',
    contactPhone: '+46 70 000 00 01',
    ...overrides,
  };
}

async function propose(headers: Headers, input: Record<string, unknown>) {
  return hub.gql(PROPOSE, { input }, headers);
}

async function proposed(headers: Headers, input: Record<string, unknown>) {
  const res = await propose(headers, input);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.proposeCommunicationLink;
}

function code(res: { body: { errors?: { extensions: Record<string, any> }[] } }) {
  return res.body.errors?.[0]?.extensions;
}

function participant(link: any, orgId: string) {
  return link.participants.find((p: any) => p.organisation.id === orgId);
}

async function linkRows(incidentId: string) {
  return hub.db.query(`SELECT name, status FROM communication_links WHERE incident_id = $1 ORDER BY created_at`, [incidentId]);
}

async function auditCount(linkId: string): Promise<number> {
  const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'CommunicationLink' AND entity_id = $1`, [linkId]);
  return n;
}

describe('proposing a link', () => {
  it('creates a PROPOSED link: the proposer ACCEPTED with its contact, the invitees INVITED, audited', async () => {
    const i = await incident();
    const link = await proposed(liaisonA, proposal(i.id, { name: '  RAKEL Samverkan  ' }));
    expect(link).toMatchObject({ name: 'RAKEL Samverkan', channel: 'TELEPHONE_CONFERENCE', schedule: 'daily 08:00 and 16:00', status: 'PROPOSED', activatedAt: null, closedAt: null });
    expect(link.initiatingOrganisation.id).toBe(A.id);
    expect(link.incident).toEqual({ id: i.id, reference: i.reference });
    expect(link.participants).toHaveLength(3);
    expect(link.participants[0]).toMatchObject({ organisation: { id: A.id, dutyOfficerPhone: '+46 8 465 004 11' }, status: 'ACCEPTED', contactName: 'Anna Andersson', contactPhone: '+46 70 000 00 01' });
    expect(link.participants[0].respondedAt).not.toBeNull();
    expect(participant(link, B.id)).toMatchObject({ status: 'INVITED', contactName: null, contactPhone: null, respondedAt: null });
    expect(participant(link, C.id)).toMatchObject({ status: 'INVITED', organisation: { dutyOfficerPhone: '+46 8 465 004 13' } });
    expect(await auditCount(link.id)).toBe(1);
  });

  it('lets an API key with LINKS_WRITE propose for its organisation, ignoring its own id among the invitees', async () => {
    const i = await incident();
    const link = await proposed(keyA, proposal(i.id, { participantOrganisationIds: [A.id, B.id, B.id], contactName: null, contactPhone: null }));
    expect(link.initiatingOrganisation.id).toBe(A.id);
    expect(link.participants.map((p: any) => [p.organisation.id, p.status])).toEqual([
      [A.id, 'ACCEPTED'],
      [B.id, 'INVITED'],
    ]);
  });

  it('refuses invitees that take part in nothing, or in another incident, with BAD_USER_INPUT and writes nothing', async () => {
    const i = await incident();
    for (const ids of [[B.id, D.id], [X.id], ['00000000-0000-4000-8000-000000000000']]) {
      const res = await propose(liaisonA, proposal(i.id, { participantOrganisationIds: ids }));
      expect(code(res)).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'input.participantOrganisationIds', message: expect.stringContaining('take no part') }] });
    }
    const onlySelf = await propose(liaisonA, proposal(i.id, { participantOrganisationIds: [A.id] }));
    expect(code(onlySelf)).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'input.participantOrganisationIds' }] });
    expect(await linkRows(i.id)).toEqual([]);
  });

  it('validates the fields: blank name, bad phone, too long address, empty invitee list, non-UUID ids', async () => {
    const i = await incident();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '   ' }, 'input.name'],
      [{ contactPhone: 'call me maybe' }, 'input.contactPhone'],
      [{ address: 'x'.repeat(501) }, 'input.address'],
      [{ participantOrganisationIds: [] }, 'input.participantOrganisationIds'],
      [{ participantOrganisationIds: ['not-a-uuid'] }, 'input.participantOrganisationIds'],
      [{ contactName: 'n'.repeat(201) }, 'input.contactName'],
    ];
    for (const [override, field] of cases) {
      const res = await propose(liaisonA, proposal(i.id, override));
      expect(code(res)?.code).toBe('BAD_USER_INPUT');
      expect(code(res)?.validationErrors.map((e: any) => e.field)).toContain(field);
    }
    expect(await linkRows(i.id)).toEqual([]);
  });

  it('is NOT_FOUND for an organisation outside the incident, FORBIDDEN for a non-participating coordinator and for a viewer', async () => {
    const i = await incident();
    expect(code(await propose(liaisonD, proposal(i.id)))?.code).toBe('NOT_FOUND');
    expect(code(await propose(liaisonD, proposal('00000000-0000-4000-8000-000000000000')))?.code).toBe('NOT_FOUND');
    expect(code(await propose(coordinator, proposal(i.id)))?.code).toBe('FORBIDDEN');
    expect(code(await propose(admin, proposal(i.id)))?.code).toBe('FORBIDDEN');
    expect(code(await propose(viewerB, proposal(i.id)))?.code).toBe('FORBIDDEN');
    expect(code(await propose(keyANoLinks, proposal(i.id)))?.code).toBe('FORBIDDEN');
    expect(await linkRows(i.id)).toEqual([]);
  });

  it('is CONFLICT INCIDENT_CLOSED in a closed incident', async () => {
    const i = await incident({ status: 'CLOSED' });
    expect(code(await propose(liaisonA, proposal(i.id)))).toMatchObject({ code: 'CONFLICT', reason: 'INCIDENT_CLOSED' });
    expect(await linkRows(i.id)).toEqual([]);
  });
});

describe('the duplicate rule', () => {
  it('refuses a second open link with the same channel and address (ignoring case and spaces) as CONFLICT DUPLICATE', async () => {
    const i = await incident();
    const first = await proposed(liaisonA, proposal(i.id, { channel: 'RAKEL_TALKGROUP', address: 'RG STHLM-SAMV 1', name: 'First' }));
    const again = await propose(liaisonB, proposal(i.id, { channel: 'RAKEL_TALKGROUP', address: ' rg sthlm-samv  1', name: 'Second', participantOrganisationIds: [A.id] }));
    expect(code(again)).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE' });
    expect(await linkRows(i.id)).toEqual([{ name: 'First', status: 'PROPOSED' }]);

    // Another channel on the same address, and the same link in another incident, are not duplicates.
    await proposed(liaisonA, proposal(i.id, { channel: 'RADIO', address: 'RG STHLM-SAMV 1', name: 'Radio' }));
    const other = await incident();
    await proposed(liaisonA, proposal(other.id, { channel: 'RAKEL_TALKGROUP', address: 'RG STHLM-SAMV 1' }));

    // Once the first is closed, the channel and address are free again.
    await hub.gql(CLOSE, { id: first.id }, liaisonA);
    const reopened = await proposed(liaisonA, proposal(i.id, { channel: 'RAKEL_TALKGROUP', address: 'RG STHLM-SAMV 1', name: 'Reopened' }));
    expect(reopened.status).toBe('PROPOSED');
  });

  it('lets exactly one of ten concurrent identical proposals through (the partial unique index)', async () => {
    const i = await incident();
    const input = proposal(i.id, { channel: 'VIDEO_CONFERENCE', address: 'https://meet.example/samverkan' });
    const results = await Promise.all(Array.from({ length: 10 }, () => propose(liaisonA, input)));
    expect(results.filter((r) => r.body.data?.proposeCommunicationLink).length).toBe(1);
    const refusals = results.filter((r) => r.body.errors);
    expect(refusals.map((r) => code(r))).toEqual(Array(9).fill(expect.objectContaining({ code: 'CONFLICT', reason: 'DUPLICATE' })));
    expect(await linkRows(i.id)).toHaveLength(1);
  });
});

describe('responding', () => {
  it('activates the link when an invitee accepts; others may decline; an invitee may change its mind while open', async () => {
    const i = await incident();
    const link = await proposed(liaisonA, proposal(i.id));

    const declinedFirst = await hub.gql(RESPOND, { input: { linkId: link.id, accept: false } }, liaisonC);
    expect(declinedFirst.body.data?.respondToCommunicationLink).toMatchObject({ status: 'PROPOSED', activatedAt: null });
    expect(participant(declinedFirst.body.data!.respondToCommunicationLink, C.id)).toMatchObject({ status: 'DECLINED', contactName: null });

    const accepted = await hub.gql(RESPOND, { input: { linkId: link.id, accept: true, contactName: 'Bo Berg', contactPhone: '+46 8 465 004 77' } }, liaisonB);
    const active = accepted.body.data!.respondToCommunicationLink;
    expect(active.status).toBe('ACTIVE');
    expect(active.activatedAt).not.toBeNull();
    expect(participant(active, B.id)).toMatchObject({ status: 'ACCEPTED', contactName: 'Bo Berg', contactPhone: '+46 8 465 004 77' });

    // C changes its mind: the link stays ACTIVE, with the same activation time.
    const cAccepts = await hub.gql(RESPOND, { input: { linkId: link.id, accept: true, contactName: 'Cecilia', contactPhone: '+46701234567' } }, liaisonC);
    expect(cAccepts.body.data!.respondToCommunicationLink).toMatchObject({ status: 'ACTIVE', activatedAt: active.activatedAt });
    // B withdraws its acceptance: still ACTIVE (ACTIVE until closed), B's contact kept.
    const bDeclines = await hub.gql(RESPOND, { input: { linkId: link.id, accept: false } }, liaisonB);
    const after = bDeclines.body.data!.respondToCommunicationLink;
    expect(after.status).toBe('ACTIVE');
    expect(participant(after, B.id)).toMatchObject({ status: 'DECLINED', contactName: 'Bo Berg' });
    expect(participant(after, C.id)).toMatchObject({ status: 'ACCEPTED', contactName: 'Cecilia' });

    // One participant row per organisation however many answers.
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM communication_link_participants WHERE link_id = $1`, [link.id]);
    expect(n).toBe(3);
    expect(await auditCount(link.id)).toBe(5);
  });

  it('lets an API key with LINKS_WRITE respond for its organisation', async () => {
    const i = await incident();
    const linkId = await insertLink(hub.db, i.id, B.id, [A.id]);
    const res = await hub.gql(RESPOND, { input: { linkId, accept: true, contactName: 'Key', contactPhone: '+46 8 465 004 20' } }, keyA);
    expect(res.body.data?.respondToCommunicationLink.status).toBe('ACTIVE');
  });

  it('refuses the initiator, organisations not invited, viewers and outsiders, and leaves the link as it was', async () => {
    const i = await incident();
    const link = await proposed(liaisonA, proposal(i.id, { participantOrganisationIds: [B.id] }));
    const input = { linkId: link.id, accept: true, contactName: 'X', contactPhone: '+46 8 465 004 21' };
    expect(code(await hub.gql(RESPOND, { input }, liaisonA))?.code).toBe('FORBIDDEN');
    expect(code(await hub.gql(RESPOND, { input }, liaisonC))?.code).toBe('FORBIDDEN');
    expect(code(await hub.gql(RESPOND, { input }, coordinator))?.code).toBe('FORBIDDEN');
    expect(code(await hub.gql(RESPOND, { input }, viewerB))?.code).toBe('FORBIDDEN');
    expect(code(await hub.gql(RESPOND, { input }, liaisonD))?.code).toBe('NOT_FOUND');
    expect(code(await hub.gql(RESPOND, { input: { ...input, linkId: '00000000-0000-4000-8000-000000000000' } }, liaisonB))?.code).toBe('NOT_FOUND');
    const bad = await hub.gql(RESPOND, { input: { ...input, contactPhone: '<script>' } }, liaisonB);
    expect(code(bad)).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'input.contactPhone' }] });
    const now = await hub.gql(ONE, { id: link.id }, liaisonA);
    expect(now.body.data?.communicationLink.status).toBe('PROPOSED');
    expect(participant(now.body.data!.communicationLink, B.id).status).toBe('INVITED');
    expect(await auditCount(link.id)).toBe(1);
  });
});

describe('closing', () => {
  it('is for the initiating organisation; afterwards nobody can respond or close again (INVALID_STATE_TRANSITION)', async () => {
    const i = await incident();
    const link = await proposed(liaisonA, proposal(i.id));
    expect(code(await hub.gql(CLOSE, { id: link.id }, liaisonB))?.code).toBe('FORBIDDEN');
    expect(code(await hub.gql(CLOSE, { id: link.id }, viewerB))?.code).toBe('FORBIDDEN');
    expect(code(await hub.gql(CLOSE, { id: link.id }, liaisonD))?.code).toBe('NOT_FOUND');

    const closed = await hub.gql(CLOSE, { id: link.id }, liaisonA);
    expect(closed.body.data?.closeCommunicationLink).toMatchObject({ status: 'CLOSED', activatedAt: null });
    expect(closed.body.data?.closeCommunicationLink.closedAt).not.toBeNull();

    expect(code(await hub.gql(CLOSE, { id: link.id }, liaisonA))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE_TRANSITION' });
    const late = await hub.gql(RESPOND, { input: { linkId: link.id, accept: true } }, liaisonB);
    expect(code(late)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE_TRANSITION' });
    const now = (await hub.gql(ONE, { id: link.id }, liaisonB)).body.data!.communicationLink;
    expect(now.status).toBe('CLOSED');
    expect(participant(now, B.id).status).toBe('INVITED');
    expect(await auditCount(link.id)).toBe(2);
  });

  it('is allowed to a coordinator and an ADMIN of organisations taking no part, and to the initiator\'s API key', async () => {
    const i = await incident();
    for (const headers of [coordinator, admin, keyA]) {
      const link = await proposed(liaisonA, proposal(i.id));
      const res = await hub.gql(CLOSE, { id: link.id }, headers);
      expect(res.body.data?.closeCommunicationLink.status).toBe('CLOSED');
    }
  });

  it('an active link closes too; nothing changes in a CLOSED incident (INCIDENT_CLOSED)', async () => {
    const i = await incident();
    const link = await proposed(liaisonA, proposal(i.id));
    await hub.gql(RESPOND, { input: { linkId: link.id, accept: true } }, liaisonB);
    const other = await proposed(liaisonA, proposal(i.id));
    await hub.db.query(`UPDATE incidents SET status = 'CLOSED', closed_at = now() WHERE id = $1`, [i.id]);
    expect(code(await hub.gql(CLOSE, { id: link.id }, liaisonA))).toMatchObject({ code: 'CONFLICT', reason: 'INCIDENT_CLOSED' });
    expect(code(await hub.gql(RESPOND, { input: { linkId: other.id, accept: true } }, liaisonC))).toMatchObject({ code: 'CONFLICT', reason: 'INCIDENT_CLOSED' });
    expect(await linkRows(i.id)).toEqual([
      { name: 'Samverkanskonferens', status: 'ACTIVE' },
      { name: 'Samverkanskonferens', status: 'PROPOSED' },
    ]);

    const open = await incident();
    const active = await proposed(liaisonA, proposal(open.id));
    await hub.gql(RESPOND, { input: { linkId: active.id, accept: true } }, liaisonC);
    const closed = await hub.gql(CLOSE, { id: active.id }, liaisonA);
    expect(closed.body.data?.closeCommunicationLink).toMatchObject({ status: 'CLOSED' });
    expect(closed.body.data?.closeCommunicationLink.activatedAt).not.toBeNull();
  });
});

describe('reading links', () => {
  it('communicationLink(id): for whoever sees the incident; NOT_FOUND for others and for unknown ids alike', async () => {
    const i = await incident();
    const link = await proposed(liaisonA, proposal(i.id));
    for (const headers of [liaisonB, viewerB, coordinator, admin, keyA]) {
      expect((await hub.gql(ONE, { id: link.id }, headers)).body.data?.communicationLink.id).toBe(link.id);
    }
    const outsider = await hub.gql(ONE, { id: link.id }, liaisonD);
    const unknown = await hub.gql(ONE, { id: '00000000-0000-4000-8000-000000000000' }, liaisonD);
    expect(code(outsider)?.code).toBe('NOT_FOUND');
    expect(code(unknown)?.code).toBe('NOT_FOUND');
    expect(outsider.body.errors![0].message).not.toContain(i.id);
    expect(code(await hub.gql(ONE, { id: link.id }, keyANoLinks))?.code).toBe('FORBIDDEN');
    expect(code(await hub.gql(ONE, { id: link.id }))?.code).toBe('UNAUTHENTICATED');
  });

  it('Incident.communicationLinks filters by status, oldest first, with the participants\' duty officers', async () => {
    const i = await incident();
    const first = await proposed(liaisonA, proposal(i.id, { name: 'One' }));
    const second = await proposed(liaisonA, proposal(i.id, { name: 'Two' }));
    const third = await proposed(liaisonA, proposal(i.id, { name: 'Three' }));
    await hub.gql(RESPOND, { input: { linkId: second.id, accept: true } }, liaisonB);
    await hub.gql(CLOSE, { id: third.id }, liaisonA);
    const q = `query ($id: ID!, $s: [CommunicationLinkStatus!]) { communicationLink(id: $id) { incident {
      all: communicationLinks { name status }
      filtered: communicationLinks(status: $s) { name participants { organisation { id dutyOfficerPhone } } } } } }`;
    const res = await hub.gql(q, { id: first.id, s: ['ACTIVE', 'PROPOSED'] }, viewerB);
    const inc = res.body.data!.communicationLink.incident;
    expect(inc.all).toEqual([
      { name: 'One', status: 'PROPOSED' },
      { name: 'Two', status: 'ACTIVE' },
      { name: 'Three', status: 'CLOSED' },
    ]);
    expect(inc.filtered.map((l: any) => l.name)).toEqual(['One', 'Two']);
    expect(inc.filtered[1].participants.map((p: any) => p.organisation.dutyOfficerPhone)).toEqual(['+46 8 465 004 11', '+46 8 465 004 12', '+46 8 465 004 13']);
    const keyRes = await hub.gql(q, { id: first.id, s: ['ACTIVE'] }, keyA);
    expect(keyRes.body.data!.communicationLink.incident.filtered.map((l: any) => l.name)).toEqual(['Two']);
  });
});

describe('links in the incident and the operational picture', () => {
  it('Query.incident reaches Incident.communicationLinks; the picture lists the ACTIVE links only', async () => {
    const i = await incident();
    const active = await proposed(liaisonA, proposal(i.id, { name: 'Active' }));
    await hub.gql(RESPOND, { input: { linkId: active.id, accept: true, contactName: 'Bo', contactPhone: '+46 8 465 004 44' } }, liaisonB);
    await proposed(liaisonA, proposal(i.id, { name: 'Proposed' }));
    const closed = await proposed(liaisonA, proposal(i.id, { name: 'Closed' }));
    await hub.gql(RESPOND, { input: { linkId: closed.id, accept: true } }, liaisonC);
    await hub.gql(CLOSE, { id: closed.id }, liaisonA);

    const q = `query ($id: ID!) {
      incident(id: $id) { communicationLinks(status: [PROPOSED]) { name } }
      operationalPicture(incidentId: $id) { activeCommunicationLinks { name status participants { organisation { id dutyOfficerPhone } status contactName contactPhone } } } }`;
    const keyBoth = (await createApiKey(hub.db, B.id, ['INCIDENTS_READ', 'LINKS_READ'])).headers;
    for (const headers of [viewerB, coordinator, keyBoth]) {
      const res = await hub.gql(q, { id: i.id }, headers);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.incident.communicationLinks).toEqual([{ name: 'Proposed' }]);
      const links = res.body.data!.operationalPicture.activeCommunicationLinks;
      expect(links.map((l: any) => [l.name, l.status])).toEqual([['Active', 'ACTIVE']]);
      expect(participant(links[0], B.id)).toEqual({ organisation: { id: B.id, dutyOfficerPhone: '+46 8 465 004 12' }, status: 'ACCEPTED', contactName: 'Bo', contactPhone: '+46 8 465 004 44' });
    }
    const outsider = await hub.gql(q, { id: i.id }, liaisonD);
    expect(outsider.body.data).toBeNull();
    expect(code(outsider)?.code).toBe('NOT_FOUND');
  });

  it('needs LINKS_READ for an API key wherever the links are reached from', async () => {
    const i = await incident();
    await proposed(liaisonA, proposal(i.id));
    const incidentsOnly = (await createApiKey(hub.db, B.id, ['INCIDENTS_READ'])).headers;
    const viaIncident = await hub.gql(`query ($id: ID!) { incident(id: $id) { id communicationLinks { id } } }`, { id: i.id }, incidentsOnly);
    expect(code(viaIncident)).toMatchObject({ code: 'FORBIDDEN' });
    expect(viaIncident.body.errors![0].path).toEqual(['incident', 'communicationLinks']);
    const viaPicture = await hub.gql(`query ($id: ID!) { operationalPicture(incidentId: $id) { activeCommunicationLinks { id } } }`, { id: i.id }, incidentsOnly);
    expect(code(viaPicture)).toMatchObject({ code: 'FORBIDDEN' });
    // Without the link fields the incident and the picture read as before.
    const plain = await hub.gql(`query ($id: ID!) { incident(id: $id) { id } operationalPicture(incidentId: $id) { notReportedCount } }`, { id: i.id }, incidentsOnly);
    expect(plain.body.errors).toBeUndefined();
    expect(plain.body.data!.incident.id).toBe(i.id);
  });
});

describe('the demo region', () => {
  it('gives the demo incident its plan: a RAKEL talkgroup for all, the samverkanskonferens, a police liaison officer, a proposal awaiting answers', async () => {
    const runner = hub.db.createQueryRunner();
    await runner.startTransaction();
    try {
      await loadDemoRegion(runner.manager);
      const summary = () =>
        runner.query(
          `SELECT l.name, l.channel, l.status, l.schedule IS NOT NULL AS scheduled, o.code AS initiator,
                  count(p.*)::int AS participants,
                  count(p.*) FILTER (WHERE p.status = 'ACCEPTED')::int AS accepted,
                  count(p.*) FILTER (WHERE p.status = 'INVITED')::int AS invited
             FROM communication_links l JOIN incidents i ON i.id = l.incident_id JOIN organisations o ON o.id = l.initiating_organisation_id
             JOIN communication_link_participants p ON p.link_id = l.id
            WHERE i.reference = $1 GROUP BY l.id, o.code ORDER BY l.created_at`,
          [DEMO_INCIDENT.reference],
        );
      const links = await summary();
      const all = DEMO_INCIDENT.participants.length;
      expect(links).toEqual([
        expect.objectContaining({ channel: 'RAKEL_TALKGROUP', status: 'ACTIVE', participants: all, accepted: all, scheduled: true }),
        expect.objectContaining({ name: 'Samverkanskonferens', channel: 'TELEPHONE_CONFERENCE', status: 'ACTIVE', scheduled: true }),
        expect.objectContaining({ channel: 'LIAISON_OFFICER', status: 'ACTIVE', initiator: 'POLISEN-STHLM', participants: 2, accepted: 2 }),
        expect.objectContaining({ status: 'PROPOSED', accepted: 1, invited: expect.any(Number) }),
      ]);
      expect(links[3].invited).toBe(links[3].participants - 1);
      const [municipality] = await runner.query(
        `SELECT o.code FROM communication_link_participants p JOIN communication_links l ON l.id = p.link_id JOIN organisations o ON o.id = p.organisation_id
          WHERE l.channel = 'LIAISON_OFFICER' AND l.name LIKE 'Polisens%' AND o.code <> 'POLISEN-STHLM'`,
      );
      expect(municipality.code).toBe(DEMO_INCIDENT.lead);
      // Every link participant takes part in the incident; loading again changes nothing.
      const [{ strays }] = await runner.query(
        `SELECT count(*)::int AS strays FROM communication_link_participants p JOIN communication_links l ON l.id = p.link_id
          WHERE NOT EXISTS (SELECT 1 FROM incident_participants ip WHERE ip.incident_id = l.incident_id AND ip.organisation_id = p.organisation_id)`,
      );
      expect(strays).toBe(0);
      await loadDemoRegion(runner.manager);
      expect(await summary()).toEqual(links);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});

describe('the printable communication plan', () => {
  async function plan(incidentId: string, headers: Headers = {}, query = '') {
    const res = await fetch(`${hub.url}/incidents/${incidentId}/communication-plan${query}`, { headers });
    return { status: res.status, type: res.headers.get('content-type') ?? '', cache: res.headers.get('cache-control'), text: await res.text() };
  }

  let planIncident: { id: string; reference: string };
  let activeId: string;
  beforeAll(async () => {
    planIncident = await insertIncident(hub.db, [A.id, B.id, C.id], { title: 'Översvämning <Roslagen> & "Norrtälje"', exercise: true });
    const rakel = await proposed(liaisonA, proposal(planIncident.id, { name: 'Ledning <b>RAKEL</b>', channel: 'RAKEL_TALKGROUP', address: 'STHLM-SAMV-1', schedule: 'continuous' }));
    activeId = rakel.id;
    await hub.gql(RESPOND, { input: { linkId: rakel.id, accept: true, contactName: "O'Brien <Kommun>", contactPhone: '+46 8 465 004 31' } }, liaisonB);
    await proposed(liaisonB, proposal(planIncident.id, { name: 'Awaiting answers', participantOrganisationIds: [C.id], contactName: null, contactPhone: null }));
    const gone = await proposed(liaisonA, proposal(planIncident.id, { name: 'Closed and gone' }));
    await hub.gql(CLOSE, { id: gone.id }, liaisonA);
  });

  it('as JSON (Accept or ?format=json): open links with participants, contacts and duty officers, and every participant\'s duty officer', async () => {
    for (const [headers, query] of [[{ ...liaisonC, accept: 'application/json' }, ''], [liaisonC, '?format=json']] as const) {
      const res = await plan(planIncident.id, headers, query);
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.cache).toBe('no-store');
      const body = JSON.parse(res.text);
      expect(body.incident).toMatchObject({ id: planIncident.id, reference: planIncident.reference, exercise: true, leadOrganisation: 'Links Polisen' });
      expect(body.links.map((l: any) => [l.name, l.status])).toEqual([
        ['Ledning <b>RAKEL</b>', 'ACTIVE'],
        ['Awaiting answers', 'PROPOSED'],
      ]);
      expect(body.links[0]).toMatchObject({ id: activeId, channel: 'RAKEL_TALKGROUP', address: 'STHLM-SAMV-1', schedule: 'continuous', initiatingOrganisation: 'Links Polisen' });
      expect(body.links[0].participants).toEqual([
        expect.objectContaining({ organisationId: A.id, status: 'ACCEPTED', contactName: 'Anna Andersson', dutyOfficerPhone: '+46 8 465 004 11' }),
        expect.objectContaining({ organisationId: B.id, status: 'ACCEPTED', contactName: "O'Brien <Kommun>", contactPhone: '+46 8 465 004 31', dutyOfficerPhone: '+46 8 465 004 12' }),
        expect.objectContaining({ organisationId: C.id, status: 'INVITED', contactName: null, dutyOfficerPhone: '+46 8 465 004 13' }),
      ]);
      expect(body.participants.map((p: any) => [p.organisationId, p.lead, p.dutyOfficerPhone])).toEqual([
        [A.id, true, '+46 8 465 004 11'],
        [B.id, false, '+46 8 465 004 12'],
        [C.id, false, '+46 8 465 004 13'],
      ]);
    }
  });

  it('as HTML by default and for browsers: the ICS-205 table, everything escaped, the exercise marked', async () => {
    for (const [headers, query] of [[{ ...liaisonB, accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, ''], [liaisonB, ''], [{ ...liaisonB, accept: 'application/json' }, '?format=html']] as const) {
      const res = await plan(planIncident.id, headers, query);
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/html/);
      expect(res.text).toContain('ICS 205');
      expect(res.text).toContain('ÖVNING — EXERCISE');
      expect(res.text).toContain('Översvämning &lt;Roslagen&gt; &amp; &quot;Norrtälje&quot;');
      expect(res.text).toContain('Ledning &lt;b&gt;RAKEL&lt;/b&gt;');
      expect(res.text).not.toContain('<b>RAKEL</b>');
      expect(res.text).toContain('O&#39;Brien &lt;Kommun&gt;');
      expect(res.text).toContain('RAKEL talkgroup');
      expect(res.text).toContain('STHLM-SAMV-1');
      expect(res.text).toContain('+46 8 465 004 13');
      expect(res.text).toContain('Awaiting answers');
      expect(res.text).not.toContain('Closed and gone');
      // Prepared: local time (HUB_TIME_ZONE, Europe/Stockholm by default) for the reader, UTC ISO only for machines.
      expect(res.text).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">\d{4}-\d\d-\d\d \d\d:\d\d CES?T<\/time>/);
    }
  });

  it("by the incident's reference (what people quote, e.g. DEMO-0001) as well as its UUID, with the same access rules", async () => {
    for (const ref of [planIncident.reference, planIncident.reference.toLowerCase()]) {
      const res = await plan(ref, liaisonC, '?format=json');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text).incident).toMatchObject({ id: planIncident.id, reference: planIncident.reference });
    }
    const html = await plan(planIncident.reference, liaisonB);
    expect(html.status).toBe(200);
    expect(html.text).toContain('ICS 205');

    // Not seen and not there answer alike, and name the reference, never the incident's id.
    const outsider = await plan(planIncident.reference, liaisonD);
    expect(outsider.status).toBe(404);
    expect(JSON.parse(outsider.text).errors[0].extensions.code).toBe('NOT_FOUND');
    expect(outsider.text).not.toContain(planIncident.id);
    const unknown = await plan('NO-SUCH-0001', liaisonD);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual(JSON.parse(outsider.text.replace(planIncident.reference, 'NO-SUCH-0001')));
    expect((await plan(planIncident.reference)).status).toBe(401);
    expect((await plan(planIncident.reference, keyANoLinks, '?format=json')).status).toBe(403);
    expect((await plan(planIncident.reference, keyA, '?format=json')).status).toBe(200);
  });

  it('has the same access rules: 404 NOT_FOUND for an incident the caller may not see, 401 without credentials, scopes for keys', async () => {
    const outsider = await plan(planIncident.id, liaisonD);
    expect(outsider.status).toBe(404);
    expect(JSON.parse(outsider.text).errors[0].extensions.code).toBe('NOT_FOUND');
    expect(outsider.text).not.toContain('RAKEL');
    const unknown = await plan('00000000-0000-4000-8000-000000000000', liaisonD);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual(JSON.parse(outsider.text.replace(planIncident.id, '00000000-0000-4000-8000-000000000000')));

    const anonymous = await plan(planIncident.id);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await plan(planIncident.id, { authorization: 'Bearer forged.token.here' })).status).toBe(401);

    expect((await plan(planIncident.id, coordinator, '?format=json')).status).toBe(200);
    expect((await plan(planIncident.id, viewerB, '?format=json')).status).toBe(200);
    expect((await plan(planIncident.id, keyA, '?format=json')).status).toBe(200);
    const noScope = await plan(planIncident.id, keyANoLinks, '?format=json');
    expect(noScope.status).toBe(403);
    expect(JSON.parse(noScope.text).errors[0].extensions.code).toBe('FORBIDDEN');
    // The plan shows the incident (title, reference) as well as its links: as in GraphQL, a key
    // reads an incident only with INCIDENTS_READ, and is told which scope it lacks.
    for (const format of ['?format=json', '?format=html']) {
      const linksOnly = await plan(planIncident.id, keyALinksOnly, format);
      expect(linksOnly.status).toBe(403);
      expect(JSON.parse(linksOnly.text).errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('INCIDENTS_READ') });
      expect(linksOnly.text).not.toContain('Roslagen');
      expect(linksOnly.text).not.toContain(planIncident.reference);
    }

    expect((await plan(planIncident.id, liaisonB, '?format=pdf')).status).toBe(400);
    expect((await plan('not%20a%20uuid', liaisonB)).status).toBe(400);
    expect((await plan('R'.repeat(21), liaisonB)).status).toBe(400);
    expect((await plan(planIncident.id, { ...liaisonB, accept: 'image/png' })).status).toBe(406);
  });
});

// ------------------------------------------------------------------ subscriptions

interface Subscriber {
  events: any[];
  errors: any[];
  waitFor(predicate: (s: Subscriber) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

const CHANGED = `subscription ($incidentId: ID) { communicationLinkChanged(incidentId: $incidentId) {
  id name status incident { id } participants { organisation { id } status } } }`;

function subscribe(headers: Headers, incidentId?: string, app: TestApp = hub): Subscriber {
  const connectionParams: Record<string, string> = {};
  if (headers.authorization) connectionParams.authorization = headers.authorization;
  if (headers['x-api-key']) connectionParams.apiKey = headers['x-api-key'];
  const client: Client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
  const s: Subscriber = {
    events: [],
    errors: [],
    async waitFor(predicate, ms = 5000) {
      const until = Date.now() + ms;
      while (!predicate(s)) {
        if (Date.now() > until) throw new Error(`timed out; events: ${JSON.stringify(s.events.map((e) => e.name))}, errors: ${JSON.stringify(s.errors)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => client.dispose() as Promise<void>,
  };
  client.subscribe(
    { query: CHANGED, variables: { incidentId } },
    {
      next: (msg) => (msg.errors ? s.errors.push(...msg.errors) : s.events.push((msg.data as any).communicationLinkChanged)),
      error: (e) => s.errors.push(e),
      complete: () => undefined,
    },
  );
  return s;
}

describe('communicationLinkChanged', () => {
  it('delivers each change after commit to exactly the subscribers who may see the link', async () => {
    const i = await incident(); // A, B, C
    const shared = await insertIncident(hub.db, [A.id, B.id, D.id]); // D takes part here only
    const all = {
      b: subscribe(liaisonB),
      bOnly: subscribe(viewerB, i.id),
      d: subscribe(liaisonD),
      coordinator: subscribe(coordinator),
      key: subscribe(keyA, i.id),
    };
    try {
      // Ready when each has received a probe it may see (events carry no history).
      const probeShared = async () => proposed(liaisonA, proposal(shared.id, { name: 'probe', participantOrganisationIds: [B.id] }));
      const probeIncident = async () => proposed(liaisonA, proposal(i.id, { name: 'probe', participantOrganisationIds: [C.id] }));
      for (let round = 0; Object.values(all).some((s) => !s.events.length); round++) {
        if (round > 50) throw new Error(`subscribers never became ready: ${JSON.stringify(Object.values(all).map((x) => [x.events.length, x.errors]))}`);
        await probeShared();
        await probeIncident();
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const s of Object.values(all)) s.events.length = 0;

      const link = await proposed(liaisonA, proposal(i.id, { name: 'watched', participantOrganisationIds: [B.id], address: 'RG WATCHED' }));
      await all.b.waitFor((s) => s.events.some((e) => e.name === 'watched'));
      // A refused (rolled-back) change publishes nothing.
      const dup = await propose(liaisonA, proposal(i.id, { name: 'duplicate', participantOrganisationIds: [B.id], address: 'RG WATCHED' }));
      expect(code(dup)?.reason).toBe('DUPLICATE');
      await hub.gql(RESPOND, { input: { linkId: link.id, accept: true } }, liaisonB);
      await all.b.waitFor((s) => s.events.filter((e) => e.name === 'watched').length === 2);
      await hub.gql(CLOSE, { id: link.id }, liaisonA);
      const sentinel = await proposed(liaisonA, proposal(shared.id, { name: 'sentinel', participantOrganisationIds: [B.id] }));
      const sentinelInI = await proposed(liaisonA, proposal(i.id, { name: 'sentinel-i', participantOrganisationIds: [B.id] }));

      const watched = [
        { id: link.id, status: 'PROPOSED', b: 'INVITED' },
        { id: link.id, status: 'ACTIVE', b: 'ACCEPTED' },
        { id: link.id, status: 'CLOSED', b: 'ACCEPTED' },
      ];
      // Probes of the readiness rounds may still be in flight: they are not what is measured.
      const summary = (events: any[]) =>
        events.filter((e) => e.name !== 'probe').map((e) => ({ id: e.id, status: e.status, ...(e.id === link.id ? { b: e.participants.find((p: any) => p.organisation.id === B.id).status } : {}) }));

      for (const s of [all.b, all.coordinator]) {
        await s.waitFor((x) => x.events.some((e) => e.id === sentinelInI.id));
        expect(summary(s.events)).toEqual([...watched, { id: sentinel.id, status: 'PROPOSED' }, { id: sentinelInI.id, status: 'PROPOSED' }]);
        expect(s.events.find((e) => e.id === link.id).incident.id).toBe(i.id);
      }
      for (const s of [all.bOnly, all.key]) {
        await s.waitFor((x) => x.events.some((e) => e.id === sentinelInI.id));
        expect(summary(s.events)).toEqual([...watched, { id: sentinelInI.id, status: 'PROPOSED' }]);
      }
      // D takes no part in the incident: it gets the sentinel of the incident it shares, nothing else.
      await all.d.waitFor((x) => x.events.some((e) => e.id === sentinel.id));
      await new Promise((r) => setTimeout(r, 200));
      expect(summary(all.d.events)).toEqual([{ id: sentinel.id, status: 'PROPOSED' }]);
      for (const s of Object.values(all)) expect(s.errors).toEqual([]);
    } finally {
      await Promise.all(Object.values(all).map((s) => s.close()));
    }
  });

  it('refuses a subscription to an incident the subscriber may not see (NOT_FOUND) and a key without LINKS_READ (FORBIDDEN)', async () => {
    const i = await incident();
    const outsider = subscribe(liaisonD, i.id);
    const noScope = subscribe(keyANoLinks, i.id);
    try {
      await outsider.waitFor((s) => s.errors.length > 0);
      await noScope.waitFor((s) => s.errors.length > 0);
      expect(outsider.errors[0].extensions?.code).toBe('NOT_FOUND');
      expect(noScope.errors[0].extensions?.code).toBe('FORBIDDEN');
      await proposed(liaisonA, proposal(i.id));
      await new Promise((r) => setTimeout(r, 200));
      expect(outsider.events).toEqual([]);
      expect(noScope.events).toEqual([]);
    } finally {
      await outsider.close();
      await noScope.close();
    }
  });
});

const withRedis = (await redisAvailable()) ? describe : describe.skip;

withRedis('communicationLinkChanged across replicas (REDIS_URL)', () => {
  let replicaA: TestApp;
  let replicaB: TestApp;
  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, JWT_SECRET: 'link-replicas-share-this-secret-of-32+chars' };
    replicaA = await startTestApp(env);
    replicaB = await startTestApp(env);
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
  });

  it('a subscriber on one replica receives the links another replica committed, filtered for it', async () => {
    const i = await incident();
    const shared = await insertIncident(replicaA.db, [A.id, D.id]);
    const keyB = (await createApiKey(replicaA.db, B.id, ['INCIDENTS_READ', 'LINKS_READ'])).headers;
    const keyD = (await createApiKey(replicaA.db, D.id, ['INCIDENTS_READ', 'LINKS_READ'])).headers;
    const onB = subscribe(keyB, undefined, replicaB);
    const onD = subscribe(keyD, undefined, replicaB);
    try {
      const probe = async () => {
        await replicaA.gql(PROPOSE, { input: proposal(i.id, { name: 'probe', participantOrganisationIds: [B.id] }) }, keyA);
        await replicaA.gql(PROPOSE, { input: proposal(shared.id, { name: 'probe', participantOrganisationIds: [D.id] }) }, keyA);
      };
      for (let round = 0; !onB.events.length || !onD.events.length; round++) {
        if (round > 50) throw new Error('subscribers on replica B never became ready');
        await probe();
        await new Promise((r) => setTimeout(r, 100));
      }
      const res = await replicaA.gql(PROPOSE, { input: proposal(i.id, { name: 'via redis', participantOrganisationIds: [B.id] }) }, keyA);
      const link = res.body.data!.proposeCommunicationLink;
      const sentinel = (await replicaA.gql(PROPOSE, { input: proposal(shared.id, { name: 'sentinel', participantOrganisationIds: [D.id] }) }, keyA)).body.data!.proposeCommunicationLink;
      await onB.waitFor((s) => s.events.some((e) => e.id === link.id));
      expect(onB.events.find((e) => e.id === link.id)).toMatchObject({ name: 'via redis', status: 'PROPOSED', incident: { id: i.id } });
      await onD.waitFor((s) => s.events.some((e) => e.id === sentinel.id));
      // D takes no part in the first incident: nothing of it, probes included, reaches D.
      expect(onD.events.filter((e) => e.incident.id === i.id)).toEqual([]);
      expect(onB.events.filter((e) => e.incident.id === shared.id)).toEqual([]);
    } finally {
      await onB.close();
      await onD.close();
    }
  });
});
