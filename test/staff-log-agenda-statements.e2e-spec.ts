import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { countStatements } from './support/count-statements.js';
import { createOrganisation, userSession } from './support/factories.js';
import { insertIncident } from './support/incident-fixtures.js';
import { insertMeeting } from './support/log-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp({ WS_RECHECK_SECONDS: '3600' });
});
afterAll(() => hub.close());

const AGENDA = `query ($id: ID!) { meeting(id: $id) { agenda {
  previousMeeting { id } newEntries { number kind title status } openNeeds { number title responsibleOrganisation { name } dueAt }
  openQuestions { number title } actionsDue { number title overdue dueAt } participantStatus { organisation { name } operationalStatus reportOverdue } } } }`;

/** `n` entries of every kind and visibility, in one statement (the fixture is not what is measured). */
async function fillLog(incidentId: string, orgIds: string[], n: number): Promise<void> {
  await hub.db.query(
    `WITH e AS (
       INSERT INTO log_entries (incident_id, number, kind, title, organisation_id, visibility, occurred_at, initial_status, status, responsible_organisation_id, due_at)
       SELECT $1, g, (ARRAY['INFORMATION','NEED','QUESTION','DECISION','ACTION'])[1 + g % 5], 'Post ' || g, ($2::uuid[])[1 + g % cardinality($2::uuid[])],
              (ARRAY['ALL_PARTICIPANTS','ALL_PARTICIPANTS','INTERNAL'])[1 + g % 3], now() - make_interval(mins => $3 - g),
              CASE WHEN g % 5 IN (0, 3) THEN 'DONE' ELSE 'OPEN' END, CASE WHEN g % 5 IN (0, 3) THEN 'DONE' ELSE 'OPEN' END,
              CASE WHEN g % 5 IN (1, 2, 4) THEN ($2::uuid[])[1] END, CASE WHEN g % 5 = 4 THEN now() + make_interval(mins => g - $3 / 2) END
         FROM generate_series(1, $3) AS g RETURNING 1)
     INSERT INTO log_counters (incident_id, last_number) SELECT $1, count(*) FROM e`,
    [incidentId, orgIds, n],
  );
}

describe('the agenda of a meeting', () => {
  it('costs the same number of SQL statements over a log of 20 entries and of 2,000', async () => {
    const measure = async (entries: number) => {
      const lead = await createOrganisation(hub.db);
      const other = await createOrganisation(hub.db);
      const liaison = await userSession(hub, 'LIAISON_OFFICER', lead.id);
      const incident = await insertIncident(hub.db, [lead.id, other.id]);
      await fillLog(incident.id, [lead.id, other.id], entries);
      const meeting = await insertMeeting(hub.db, incident.id, lead.id, { kind: 'COORDINATION_CONFERENCE' });
      let agenda: any;
      const { count } = await countStatements(hub, async () => {
        const res = await hub.gql(AGENDA, { id: meeting }, liaison.headers);
        expect(res.body.errors).toBeUndefined();
        agenda = res.body.data!.meeting.agenda;
      });
      return { count, agenda };
    };
    const small = await measure(20);
    const large = await measure(2000);
    // The large log's agenda really holds more: the count is not constant because it read less.
    expect(large.agenda.openNeeds.length).toBeGreaterThan(small.agenda.openNeeds.length * 50);
    expect(large.agenda.newEntries.length).toBeGreaterThan(small.agenda.newEntries.length * 50);
    expect(large.count).toBe(small.count);
  });
});
