import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createOrganisation, userSession, type Session, type TestUser } from './support/factories.js';
import { insertIncident } from './support/incident-fixtures.js';
import { runMeeting, scheduleMeeting, writeEntry } from './support/log-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

/*
 * The staff log (issue 16) over HTTP and graphql-ws on a real PostgreSQL: numbering under
 * concurrency, who reads what by every path, follow-ups, meetings and their agenda, the trigger.
 */

let hub: TestApp;
type Who = TestUser & Session;
let writer: Who; // organisation W: writes the entries
let recipient: Who; // organisation R: the RESTRICTED entry's recipient
let bystander: Who; // organisation B: takes part, is addressed by nothing
let outsider: Who; // organisation O: takes no part
let coordinator: Who;
let admin: Who;
let incident: string;
let orgs: { W: string; R: string; B: string; O: string };

beforeAll(async () => {
  hub = await startTestApp();
  const [W, R, B, O, regional] = await Promise.all([1, 2, 3, 4, 5].map(() => createOrganisation(hub.db)));
  orgs = { W: W.id, R: R.id, B: B.id, O: O.id };
  writer = await userSession(hub, 'LIAISON_OFFICER', W.id);
  recipient = await userSession(hub, 'LIAISON_OFFICER', R.id);
  bystander = await userSession(hub, 'LIAISON_OFFICER', B.id);
  outsider = await userSession(hub, 'LIAISON_OFFICER', O.id);
  coordinator = await userSession(hub, 'COORDINATOR', regional.id);
  admin = await userSession(hub, 'ADMIN', regional.id);
  incident = (await insertIncident(hub.db, [W.id, R.id, B.id])).id;
});
afterAll(() => hub.close());

const code = (res: { body: { errors?: { extensions: Record<string, any> }[] } }) => res.body.errors?.[0]?.extensions.code;

describe('numbering', () => {
  it('gives 50 concurrent writes in one incident the numbers 1..50, without gap or duplicate', async () => {
    const own = await insertIncident(hub.db, [orgs.W, orgs.R]);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => writeEntry(hub, i % 2 ? writer.headers : recipient.headers, { incidentId: own.id, title: `Post ${i}` })),
    );
    expect(results.map((r) => r.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const [{ last }] = await hub.db.query(`SELECT last_number AS last FROM log_counters WHERE incident_id = $1`, [own.id]);
    expect(last).toBe(50);
  });
});

describe('visibility', () => {
  let internal: string;
  let restricted: string;
  let open: string;
  let meeting: string;

  beforeAll(async () => {
    open = (await writeEntry(hub, writer.headers, { incidentId: incident, kind: 'QUESTION', title: 'Öppen fråga', responsibleOrganisationId: orgs.W })).id;
    internal = (await writeEntry(hub, writer.headers, { incidentId: incident, kind: 'DECISION', title: 'Internt beslut', text: 'Hemligt', visibility: 'INTERNAL', parentId: open })).id;
    restricted = (
      await writeEntry(hub, writer.headers, { incidentId: incident, kind: 'DECISION', title: 'Begränsat beslut', visibility: 'RESTRICTED', recipientOrganisationIds: [orgs.R], parentId: open })
    ).id;
    meeting = await scheduleMeeting(hub, writer.headers, { incidentId: incident, title: 'Morgonmöte' });
  });

  const readers = () => ({ writer, recipient, bystander, outsider, coordinator, admin });

  it('answers logEntry by the rule: INTERNAL the writer alone, RESTRICTED the writer and recipients, NOT_FOUND to everyone else', async () => {
    const seen: Record<string, string[]> = {};
    for (const [name, who] of Object.entries(readers())) {
      seen[name] = [];
      for (const [label, id] of [['open', open], ['internal', internal], ['restricted', restricted]] as const) {
        const res = await hub.gql(`query ($id: ID!) { logEntry(id: $id) { id title } }`, { id }, who.headers);
        seen[name].push(res.body.data?.logEntry ? label : `${label}:${code(res)}`);
      }
    }
    expect(seen).toEqual({
      writer: ['open', 'internal', 'restricted'],
      recipient: ['open', 'internal:NOT_FOUND', 'restricted'],
      bystander: ['open', 'internal:NOT_FOUND', 'restricted:NOT_FOUND'],
      outsider: ['open:NOT_FOUND', 'internal:NOT_FOUND', 'restricted:NOT_FOUND'],
      coordinator: ['open', 'internal:NOT_FOUND', 'restricted:NOT_FOUND'],
      admin: ['open', 'internal:NOT_FOUND', 'restricted:NOT_FOUND'],
    });
  });

  it('keeps them out of Incident.log, children, the agenda and the printable pages of everyone else', async () => {
    const titles = async (who: Who) => {
      const res = await hub.gql(
        `query ($id: ID!, $m: ID!) {
          incident(id: $id) { log(first: 100) { totalCount nodes { title children { title } } } }
          meeting(id: $m) { id }
        }`,
        { id: incident, m: meeting },
        who.headers,
      );
      const nodes = res.body.data?.incident?.log.nodes ?? [];
      return new Set<string>(nodes.flatMap((n: any) => [n.title, ...n.children.map((c: any) => c.title)]));
    };
    expect([...(await titles(writer))]).toEqual(expect.arrayContaining(['Internt beslut', 'Begränsat beslut']));
    expect([...(await titles(recipient))]).toContain('Begränsat beslut');
    for (const who of [recipient, bystander, coordinator, admin]) expect([...(await titles(who))]).not.toContain('Internt beslut');
    for (const who of [bystander, coordinator, admin]) expect([...(await titles(who))]).not.toContain('Begränsat beslut');

    // A conference's agenda, as each participant sees it.
    const conference = await scheduleMeeting(hub, writer.headers, { incidentId: incident, kind: 'COORDINATION_CONFERENCE', title: 'Samverkanskonferens' });
    for (const who of [recipient, bystander]) {
      const res = await hub.gql(`query ($id: ID!) { meeting(id: $id) { agenda { newEntries { title } openQuestions { title children { title } } } } }`, { id: conference }, who.headers);
      const text = JSON.stringify(res.body.data);
      expect(text).toContain('Öppen fråga');
      expect(text).not.toContain('Internt beslut');
      if (who === bystander) expect(text).not.toContain('Begränsat beslut');
    }

    // The printable log (ICS-214) and the staff meeting's pages.
    for (const who of [recipient, bystander, coordinator]) {
      for (const format of ['json', 'html']) {
        const res = await fetch(`${hub.url}/incidents/${incident}/log?format=${format}`, { headers: who.headers });
        expect(res.status).toBe(200);
        const body = await res.text();
        expect(body).toContain('Öppen fråga');
        expect(body).not.toContain('Internt beslut');
        if (who !== recipient) expect(body).not.toContain('Begränsat beslut');
      }
    }
    expect((await fetch(`${hub.url}/incidents/${incident}/log`, { headers: outsider.headers })).status).toBe(404);
    const html = await fetch(`${hub.url}/incidents/${incident}/log`, { headers: { ...writer.headers, accept: 'text/html' } });
    expect(await html.text()).toMatch(/@media print[\s\S]*Internt beslut/);
    for (const page of ['agenda', 'minutes']) {
      expect((await fetch(`${hub.url}/meetings/${meeting}/${page}?format=json`, { headers: writer.headers })).status).toBe(200);
      for (const who of [recipient, coordinator, admin]) expect((await fetch(`${hub.url}/meetings/${meeting}/${page}`, { headers: who.headers })).status).toBe(404);
    }
  });

  it("refuses an API key of another organisation, and one without LOG_READ, on every path", async () => {
    const otherKey = await createApiKey(hub.db, orgs.B, ['LOG_READ', 'INCIDENTS_READ']);
    for (const id of [internal, restricted]) {
      expect(code(await hub.gql(`query ($id: ID!) { logEntry(id: $id) { title } }`, { id }, otherKey.headers))).toBe('NOT_FOUND');
    }
    const log = await hub.gql(`query ($id: ID!) { incident(id: $id) { log(first: 100) { nodes { title } } } }`, { id: incident }, otherKey.headers);
    expect(JSON.stringify(log.body.data)).not.toMatch(/Internt beslut|Begränsat beslut/);
    expect((await fetch(`${hub.url}/incidents/${incident}/log?format=json`, { headers: otherKey.headers })).status).toBe(200);
    const ownKey = await createApiKey(hub.db, orgs.W, ['INCIDENTS_READ']);
    expect(code(await hub.gql(`query ($id: ID!) { logEntry(id: $id) { title } }`, { id: internal }, ownKey.headers))).toBe('FORBIDDEN');
    expect((await fetch(`${hub.url}/incidents/${incident}/log?format=json`, { headers: ownKey.headers })).status).toBe(403);
    const withScope = await createApiKey(hub.db, orgs.W, ['LOG_READ']);
    expect((await hub.gql(`query ($id: ID!) { logEntry(id: $id) { title } }`, { id: internal }, withScope.headers)).body.data?.logEntry.title).toBe('Internt beslut');
  });

  it('delivers logEntryChanged only to those who may read the entry', async () => {
    const clients = await Promise.all([writer, recipient, bystander, coordinator].map((w) => WsClient.forToken(hub.url, w.accessToken)));
    try {
      const subs = await Promise.all(clients.map((c) => c.subscribe(`subscription ($id: ID) { logEntryChanged(incidentId: $id) { title } }`, { id: incident })));
      await writeEntry(hub, writer.headers, { incidentId: incident, title: 'Live internt', visibility: 'INTERNAL' });
      await writeEntry(hub, writer.headers, { incidentId: incident, title: 'Live begränsat', visibility: 'RESTRICTED', recipientOrganisationIds: [orgs.R] });
      await writeEntry(hub, writer.headers, { incidentId: incident, title: 'Live öppet' });
      const got = await Promise.all(subs.map(async (s) => (await s.drain(1000)).map((r) => r.data?.logEntryChanged?.title)));
      expect(got).toEqual([['Live internt', 'Live begränsat', 'Live öppet'], ['Live begränsat', 'Live öppet'], ['Live öppet'], ['Live öppet']]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});

describe('follow-up', () => {
  it('lets the responsible organisation change the status; an unrelated participant is FORBIDDEN, or NOT_FOUND where it may not read', async () => {
    const action = await writeEntry(hub, writer.headers, {
      incidentId: incident,
      kind: 'ACTION',
      title: 'Ställ ut reservkraft',
      responsibleOrganisationId: orgs.R,
      responsiblePerson: 'TiB',
      dueAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(action.status).toBe('OPEN');
    const tasks = await hub.gql(`{ myLogTasks { nodes { id overdue } } }`, undefined, recipient.headers);
    expect(tasks.body.data!.myLogTasks.nodes[0]).toEqual({ id: action.id, overdue: true });

    const followUp = `mutation ($input: FollowUpLogEntryInput!) { followUpLogEntry(input: $input) { status overdue updates { note status organisation { id } } } }`;
    const done = await hub.gql(followUp, { input: { entryId: action.id, note: 'Utställt 14:10', status: 'DONE' } }, recipient.headers);
    expect(done.body.data!.followUpLogEntry).toEqual({ status: 'DONE', overdue: false, updates: [{ note: 'Utställt 14:10', status: 'DONE', organisation: { id: orgs.R } }] });
    expect(code(await hub.gql(followUp, { input: { entryId: action.id, note: 'Vi med', status: 'CANCELLED' } }, bystander.headers))).toBe('FORBIDDEN');
    const hidden = await writeEntry(hub, writer.headers, { incidentId: incident, kind: 'NEED', title: 'Vatten', visibility: 'RESTRICTED', recipientOrganisationIds: [orgs.R] });
    expect(code(await hub.gql(followUp, { input: { entryId: hidden.id, note: 'Hm' } }, bystander.headers))).toBe('NOT_FOUND');
    // A note alone keeps the status; the coordinator may follow up an entry it reads.
    const note = await hub.gql(followUp, { input: { entryId: action.id, note: 'Kontrollerat' } }, coordinator.headers);
    expect(note.body.data!.followUpLogEntry.status).toBe('DONE');
  });

  it('refuses in the database to change an entry\'s title or text, or to delete it', async () => {
    const entry = await writeEntry(hub, writer.headers, { incidentId: incident, title: 'Original', text: 'Ursprunglig text' });
    await expect(hub.db.query(`UPDATE log_entries SET text = 'Ändrad' WHERE id = $1`, [entry.id])).rejects.toThrow(/immutable/);
    await expect(hub.db.query(`UPDATE log_entries SET title = 'Ändrad' WHERE id = $1`, [entry.id])).rejects.toThrow(/immutable/);
    await expect(hub.db.query(`DELETE FROM log_entries WHERE id = $1`, [entry.id])).rejects.toThrow(/immutable/);
  });
});

describe('meetings', () => {
  it('builds the second meeting\'s agenda from exactly what was written after the first closed, plus what is still open', async () => {
    const own = (await insertIncident(hub.db, [orgs.W, orgs.R])).id;
    const oldNeed = await writeEntry(hub, writer.headers, { incidentId: own, kind: 'NEED', title: 'Gammalt behov' });
    await writeEntry(hub, writer.headers, { incidentId: own, title: 'Gammal information' });
    const first = await scheduleMeeting(hub, writer.headers, { incidentId: own });
    await runMeeting(hub, writer.headers, first, 'start');
    const atMeeting = await writeEntry(hub, writer.headers, { incidentId: own, kind: 'QUESTION', title: 'Fråga på mötet' });
    await runMeeting(hub, writer.headers, first, 'close', { summary: 'Lugnt', nextMeetingAt: new Date(Date.now() + 86_400_000).toISOString() });
    const after1 = await writeEntry(hub, writer.headers, { incidentId: own, title: 'Ny information' });
    const after2 = await writeEntry(hub, writer.headers, { incidentId: own, kind: 'ACTION', title: 'Försenad åtgärd', responsibleOrganisationId: orgs.W, dueAt: new Date(Date.now() - 1000).toISOString() });
    const second = await scheduleMeeting(hub, writer.headers, { incidentId: own });

    const res = await hub.gql(
      `query ($id: ID!, $first: ID!) {
        meeting(id: $id) { agenda { previousMeeting { id } newEntries { id } openNeeds { id } openQuestions { id } actionsDue { id } participantStatus { organisation { id } } } }
        first: meeting(id: $first) { status summary entries { id } }
      }`,
      { id: second, first },
      writer.headers,
    );
    expect(res.body.errors).toBeUndefined();
    const agenda = res.body.data!.meeting.agenda;
    const ids = (l: { id: string }[]) => l.map((e) => e.id);
    expect(agenda.previousMeeting).toEqual({ id: first });
    expect(ids(agenda.newEntries)).toEqual([after1.id, after2.id]);
    expect(ids(agenda.openNeeds)).toEqual([oldNeed.id]);
    expect(ids(agenda.openQuestions)).toEqual([atMeeting.id]);
    expect(ids(agenda.actionsDue)).toEqual([after2.id]);
    expect(agenda.participantStatus.map((s: any) => s.organisation.id).sort()).toEqual([orgs.W, orgs.R].sort());
    expect(res.body.data!.first).toEqual({ status: 'CLOSED', summary: 'Lugnt', entries: [{ id: atMeeting.id }] });

    const minutes = await fetch(`${hub.url}/meetings/${first}/minutes?format=json`, { headers: writer.headers });
    expect(((await minutes.json()) as any).otherEntries.map((e: any) => e.title)).toEqual(['Fråga på mötet']);
    // A staff meeting is its organisation's alone, whatever the role.
    for (const who of [recipient, coordinator, admin]) expect(code(await hub.gql(`query ($id: ID!) { meeting(id: $id) { id } }`, { id: second }, who.headers))).toBe('NOT_FOUND');
  });

  it('lets only the lead organisation or a coordinator schedule a conference, and not start a closed meeting again', async () => {
    const input = { incidentId: incident, kind: 'COORDINATION_CONFERENCE', title: 'Konferens', startsAt: new Date(Date.now() + 3_600_000).toISOString() };
    const q = `mutation ($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id participants { id } } }`;
    expect(code(await hub.gql(q, { input }, bystander.headers))).toBe('FORBIDDEN');
    const byCoordinator = await hub.gql(q, { input: { ...input, participantOrganisationIds: [orgs.W, orgs.R] } }, coordinator.headers);
    expect(byCoordinator.body.errors).toBeUndefined();
    const id = byCoordinator.body.data!.scheduleMeeting.id;
    expect(code(await hub.gql(`query ($id: ID!) { meeting(id: $id) { id } }`, { id }, bystander.headers))).toBe('NOT_FOUND');
    await runMeeting(hub, coordinator.headers, id, 'start');
    await runMeeting(hub, coordinator.headers, id, 'close');
    expect(code(await hub.gql(`mutation ($id: ID!) { startMeeting(id: $id) { id } }`, { id }, coordinator.headers))).toBe('CONFLICT');
  });
});
