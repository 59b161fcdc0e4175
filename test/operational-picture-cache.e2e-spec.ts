import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, userSession } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { insertResourceType } from './support/resource-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

const PICTURE = `query ($id: ID!) { operationalPicture(incidentId: $id) {
  notReportedCount
  openResourceRequests { id quantityFilled status }
  activeCommunicationLinks { id name }
  incident { id title }
  participants {
    organisation { id name } operationalStatus reportOverdue
    latestReport { id version situation visibility author { id displayName } recipients { id } acknowledgements { organisation { id } } }
  }
} }`;

type Headers = Record<string, string>;

async function picture(incidentId: string, headers: Headers) {
  const res = await hub.gql(PICTURE, { id: incidentId }, headers);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.operationalPicture;
}

async function cacheCounts(): Promise<{ hit: number; miss: number }> {
  const text = (await hub.get('/metrics')).text;
  const count = (result: string) => Number(new RegExp(`hub_operational_picture_cache_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss') };
}

/** The picture twice: the second is a cache hit and the same picture (but for nothing). */
async function cachedPicture(incidentId: string, headers: Headers) {
  const first = await picture(incidentId, headers);
  const before = await cacheCounts();
  const second = await picture(incidentId, headers);
  const after = await cacheCounts();
  expect(after.hit - before.hit).toBe(1);
  expect(second).toEqual(first);
  return second;
}

const line = (pic: any, org: string) => pic.participants.find((l: any) => l.organisation.id === org);

/** A lead (LIAISON_OFFICER), another participant, and the incident with a report of each. */
async function incidentWithTwo() {
  const lead = await userSession(hub, 'LIAISON_OFFICER');
  const other = await userSession(hub, 'LIAISON_OFFICER');
  const incident = await insertIncident(hub.db, [lead.organisationId, other.organisationId]);
  const leadReport = await submitReport(hub, lead.headers, incident.id, { situation: 'Första läget' });
  await submitReport(hub, other.headers, incident.id, { situation: 'Andra organisationens läge' });
  return { lead, other, incident, leadReport };
}

describe('operationalPicture cache', () => {
  it('is read again after every change made through the API that the picture shows', async () => {
    const { lead, other, incident, leadReport } = await incidentWithTwo();
    const admin = await userSession(hub, 'ADMIN');
    const gqlOk = async (query: string, variables: Record<string, unknown>, headers: Headers) => {
      const res = await hub.gql(query, variables, headers);
      expect(res.body.errors).toBeUndefined();
    };

    // A new report.
    await cachedPicture(incident.id, other.headers);
    await submitReport(hub, lead.headers, incident.id, { situation: 'Nytt läge', operationalStatus: 'CRITICAL' });
    let pic = await picture(incident.id, other.headers);
    expect(line(pic, lead.organisationId)).toMatchObject({ operationalStatus: 'CRITICAL', latestReport: { version: 2, situation: 'Nytt läge' } });

    // An acknowledgement.
    await cachedPicture(incident.id, other.headers);
    const [v2] = await hub.db.query(`SELECT id FROM situation_reports WHERE incident_id = $1 AND organisation_id = $2 AND version = 2`, [incident.id, lead.organisationId]);
    await gqlOk(`mutation ($id: ID!) { acknowledgeSituationReport(id: $id) { id } }`, { id: v2.id }, other.headers);
    pic = await picture(incident.id, other.headers);
    expect(line(pic, lead.organisationId).latestReport.acknowledgements).toEqual([{ organisation: { id: other.organisationId } }]);
    expect(leadReport.id).not.toBe(v2.id);

    // The incident's own fields.
    await cachedPicture(incident.id, other.headers);
    await gqlOk(`mutation ($id: ID!) { updateIncident(id: $id, input: { title: "Nytt namn på händelsen" }) { id } }`, { id: incident.id }, lead.headers);
    expect((await picture(incident.id, other.headers)).incident.title).toBe('Nytt namn på händelsen');

    // A new participant.
    await cachedPicture(incident.id, other.headers);
    const joiner = await createOrganisation(hub.db);
    await gqlOk(`mutation ($i: ID!, $o: ID!) { addIncidentParticipant(incidentId: $i, organisationId: $o) { id } }`, { i: incident.id, o: joiner.id }, lead.headers);
    pic = await picture(incident.id, other.headers);
    expect(line(pic, joiner.id)).toMatchObject({ latestReport: null });
    expect(pic.notReportedCount).toBe(1);

    // An organisation's name (the directory).
    await cachedPicture(incident.id, other.headers);
    await gqlOk(`mutation ($id: ID!) { updateOrganisation(id: $id, input: { name: "Omdöpt organisation" }) { id } }`, { id: lead.organisationId }, admin.headers);
    expect(line(await picture(incident.id, other.headers), lead.organisationId).organisation.name).toBe('Omdöpt organisation');

    // An author's display name (the directory).
    await cachedPicture(incident.id, other.headers);
    await gqlOk(`mutation ($id: ID!) { updateUser(id: $id, input: { displayName: "Omdöpt författare" }) { id } }`, { id: lead.id }, admin.headers);
    expect(line(await picture(incident.id, other.headers), lead.organisationId).latestReport.author).toEqual({ id: lead.id, displayName: 'Omdöpt författare' });
  });

  it('is read again after changes written straight to the database (the stamps are triggers)', async () => {
    const { lead, other, incident } = await incidentWithTwo();
    /** Caches the picture, runs the statements in one transaction, reads the picture again. */
    const sql = async (text: string, params: unknown[], ...more: [string, unknown[]][]) => {
      await cachedPicture(incident.id, other.headers);
      await hub.db.transaction(async (m) => {
        for (const [t, p] of [[text, params] as [string, unknown[]], ...more]) await m.query(t, p);
      });
      return picture(incident.id, other.headers);
    };

    let pic = await sql(`UPDATE incidents SET title = 'Ändrad i databasen' WHERE id = $1`, [incident.id]);
    expect(pic.incident.title).toBe('Ändrad i databasen');

    pic = await sql(`UPDATE organisations SET name = 'Ändrad organisation' WHERE id = $1`, [other.organisationId]);
    expect(line(pic, other.organisationId).organisation.name).toBe('Ändrad organisation');

    pic = await sql(`UPDATE users SET display_name = 'Ändrad författare' WHERE id = $1`, [lead.id]);
    expect(line(pic, lead.organisationId).latestReport.author.displayName).toBe('Ändrad författare');

    pic = await sql(
      `INSERT INTO situation_reports (incident_id, organisation_id, author_user_id, version, supersedes_id, operational_status, situation, visibility)
       SELECT $1, $2, $3, 2, id, 'CRITICAL', 'Skriven i databasen', 'ALL_PARTICIPANTS' FROM situation_reports WHERE incident_id = $1 AND organisation_id = $2 AND version = 1`,
      [incident.id, lead.organisationId, lead.id],
    );
    expect(line(pic, lead.organisationId)).toMatchObject({ operationalStatus: 'CRITICAL', latestReport: { version: 2, situation: 'Skriven i databasen' } });

    const [v2] = await hub.db.query(`SELECT id FROM situation_reports WHERE incident_id = $1 AND organisation_id = $2 AND version = 2`, [incident.id, lead.organisationId]);
    pic = await sql(`INSERT INTO situation_report_acknowledgements (report_id, organisation_id, acknowledged_by_user_id) VALUES ($1, $2, $3)`, [v2.id, other.organisationId, other.id]);
    expect(line(pic, lead.organisationId).latestReport.acknowledgements).toEqual([{ organisation: { id: other.organisationId } }]);
    pic = await sql(`DELETE FROM situation_report_acknowledgements WHERE report_id = $1`, [v2.id]);
    expect(line(pic, lead.organisationId).latestReport.acknowledgements).toEqual([]);

    // Participants: the lead changes (the order of the lines follows it), one joins, one leaves.
    pic = await sql(`UPDATE incident_participants SET lead = false WHERE incident_id = $1`, [incident.id], [
      `UPDATE incident_participants SET lead = true WHERE incident_id = $1 AND organisation_id = $2`,
      [incident.id, other.organisationId],
    ]);
    expect(pic.participants[0].organisation.id).toBe(other.organisationId);
    const joiner = await createOrganisation(hub.db);
    pic = await sql(`INSERT INTO incident_participants (incident_id, organisation_id) VALUES ($1, $2)`, [incident.id, joiner.id]);
    expect(pic.participants.map((l: any) => l.organisation.id)).toContain(joiner.id);
    pic = await sql(`DELETE FROM incident_participants WHERE incident_id = $1 AND organisation_id = $2`, [incident.id, joiner.id]);
    expect(pic.participants.map((l: any) => l.organisation.id)).not.toContain(joiner.id);

    // The picture's open resource requests and active links.
    const typeId = await insertResourceType(hub.db);
    pic = await sql(
      `INSERT INTO resource_requests (incident_id, requesting_organisation_id, resource_type_id, quantity_requested, priority, justification, created_by_user_id)
       VALUES ($1, $2, $3, 5, 'HIGH', 'Behövs', $4)`,
      [incident.id, lead.organisationId, typeId, lead.id],
    );
    expect(pic.openResourceRequests).toEqual([expect.objectContaining({ quantityFilled: 0, status: 'OPEN' })]);
    pic = await sql(`UPDATE resource_requests SET status = 'CANCELLED' WHERE incident_id = $1`, [incident.id]);
    expect(pic.openResourceRequests).toEqual([]);
    pic = await sql(
      `INSERT INTO communication_links (incident_id, name, channel, address, status, initiating_organisation_id, activated_at)
       VALUES ($1, 'Rakel talgrupp', 'RAKEL_TALKGROUP', 'TG 123', 'ACTIVE', $2, now())`,
      [incident.id, lead.organisationId],
    );
    expect(pic.activeCommunicationLinks).toEqual([expect.objectContaining({ name: 'Rakel talgrupp' })]);
    pic = await sql(`UPDATE communication_links SET name = 'Rakel talgrupp 2' WHERE incident_id = $1`, [incident.id]);
    expect(pic.activeCommunicationLinks).toEqual([expect.objectContaining({ name: 'Rakel talgrupp 2' })]);

    // The version counter alone (every submit bumps it) does not change the picture, nor its stamp.
    await cachedPicture(incident.id, other.headers);
    await hub.db.query(`UPDATE incident_participants SET report_versions = report_versions WHERE incident_id = $1`, [incident.id]);
    const before = await cacheCounts();
    await picture(incident.id, other.headers);
    expect((await cacheCounts()).hit - before.hit).toBe(1);
  });

  it("keeps each viewer's picture: a RESTRICTED report cached for its recipient does not reach another organisation", async () => {
    const { lead, other, incident } = await incidentWithTwo();
    const third = await userSession(hub, 'VIEWER');
    await hub.db.query(`INSERT INTO incident_participants (incident_id, organisation_id) VALUES ($1, $2)`, [incident.id, third.organisationId]);
    await submitReport(hub, lead.headers, incident.id, { situation: 'Bara för mottagaren', visibility: 'RESTRICTED', recipientOrganisationIds: [other.organisationId] });

    const forRecipient = await cachedPicture(incident.id, other.headers);
    expect(line(forRecipient, lead.organisationId).latestReport).toMatchObject({ version: 2, situation: 'Bara för mottagaren' });
    const forThird = await cachedPicture(incident.id, third.headers);
    expect(line(forThird, lead.organisationId).latestReport).toMatchObject({ version: 1, situation: 'Första läget' });
    // An organisation that does not take part gets NOT_FOUND, whatever is cached.
    const outsider = await userSession(hub, 'VIEWER');
    expect((await hub.gql(PICTURE, { id: incident.id }, outsider.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    await hub.db.query(`DELETE FROM incident_participants WHERE incident_id = $1 AND organisation_id = $2`, [incident.id, third.organisationId]);
    expect((await hub.gql(PICTURE, { id: incident.id }, third.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('turns reportOverdue true with time alone, from the cache', async () => {
    const lead = await userSession(hub, 'LIAISON_OFFICER');
    const viewer = await userSession(hub, 'VIEWER');
    const incident = await insertIncident(hub.db, [lead.organisationId, viewer.organisationId]);
    await submitReport(hub, lead.headers, incident.id, { nextReportDueAt: new Date(Date.now() + 1500).toISOString() });
    const before = await cachedPicture(incident.id, viewer.headers);
    expect(line(before, lead.organisationId).reportOverdue).toBe(false);
    await new Promise((r) => setTimeout(r, 1600));
    const counts = await cacheCounts();
    expect(line(await picture(incident.id, viewer.headers), lead.organisationId).reportOverdue).toBe(true);
    expect((await cacheCounts()).hit - counts.hit).toBe(1);
  });
});
