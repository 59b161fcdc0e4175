import { createOrganisation } from '../../support/factories.js';
import { insertIncident } from '../../support/incident-fixtures.js';
import { PARTICIPANT_WRITE, REFUSED_CREDENTIALS, SEES_INCIDENT, outcomes, type MatrixRow, type MatrixWorld } from '../matrix.types.js';


/** Lists: every principal gets what it may see (possibly nothing); keys need the row's read scope. */
const LIST = outcomes('OK', { ...REFUSED_CREDENTIALS, apiKeyUnscoped: 'FORBIDDEN' });
/** Creating an incident: LIAISON_OFFICER and up; no API key (no scope grants it). */
const CREATE = outcomes('OK', { ...REFUSED_CREDENTIALS, viewer: 'FORBIDDEN', apiKeyScoped: 'FORBIDDEN', apiKeyUnscoped: 'FORBIDDEN' });
/** Changing an incident the own organisation leads (update) or takes part in (invite): COORDINATOR and ADMIN too. */
const INCIDENT_WRITE = outcomes('OK', { ...REFUSED_CREDENTIALS, viewer: 'FORBIDDEN', liaisonOther: 'NOT_FOUND', apiKeyScoped: 'FORBIDDEN', apiKeyUnscoped: 'FORBIDDEN' });

/** An incident led by a fresh partner organisation, in which the own organisation takes part; "other" takes no part. */
async function world(w: MatrixWorld, leadByOwn = false) {
  const partner = await createOrganisation(w.hub.db);
  const incident = await insertIncident(w.hub.db, leadByOwn ? [w.own.id, partner.id] : [partner.id, w.own.id]);
  return { partner, incident };
}

/** A report written straight to the database (its organisation's version counter moved along). */
async function insertReport(w: MatrixWorld, incidentId: string, organisationId: string): Promise<string> {
  const [row] = await w.hub.db.query(
    `WITH v AS (UPDATE incident_participants SET report_versions = report_versions + 1
                 WHERE incident_id = $1 AND organisation_id = $2 RETURNING report_versions)
     INSERT INTO situation_reports (incident_id, organisation_id, version, supersedes_id, operational_status, situation, visibility)
     SELECT $1, $2, v.report_versions,
            (SELECT id FROM situation_reports p WHERE p.incident_id = $1 AND p.organisation_id = $2 AND p.version = v.report_versions - 1),
            'STRAINED', 'Matrisrapport', 'ALL_PARTICIPANTS' FROM v
     RETURNING id`,
    [incidentId, organisationId],
  );
  return row.id;
}

/** Incidents, situation reports and the operational picture (issue 4). */
export const rows: MatrixRow[] = [
  {
    operation: 'Query.incidents',
    scope: 'INCIDENTS_READ',
    setup: async (w) => {
      await world(w);
      return { query: `{ incidents(first: 5) { totalCount nodes { id reference } } }` };
    },
    expect: LIST,
  },
  {
    operation: 'Query.incident',
    scope: 'INCIDENTS_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      return { query: `query ($id: ID!) { incident(id: $id) { id reference participants { lead } } }`, variables: { id: incident.id } };
    },
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Query.operationalPicture',
    scope: 'INCIDENTS_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      return { query: `query ($id: ID!) { operationalPicture(incidentId: $id) { notReportedCount participants { reportOverdue } } }`, variables: { id: incident.id } };
    },
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Query.situationReport',
    scope: 'REPORTS_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      const id = await insertReport(w, incident.id, w.own.id);
      return { query: `query ($id: ID!) { situationReport(id: $id) { id version } }`, variables: { id } };
    },
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Mutation.createIncident',
    setup: async () => ({
      query: `mutation ($input: CreateIncidentInput!) { createIncident(input: $input) { id reference } }`,
      variables: { input: { title: 'Matrishändelse', description: 'Behörighetsmatris', category: 'OTHER', exercise: true } },
    }),
    expect: CREATE,
  },
  {
    operation: 'Mutation.updateIncident',
    setup: async (w) => {
      const { incident } = await world(w, true);
      return { query: `mutation ($id: ID!) { updateIncident(id: $id, input: { status: MONITORING }) { id status } }`, variables: { id: incident.id } };
    },
    expect: INCIDENT_WRITE,
  },
  {
    operation: 'Mutation.addIncidentParticipant',
    setup: async (w) => {
      const { incident } = await world(w);
      const newcomer = await createOrganisation(w.hub.db);
      return {
        query: `mutation ($i: ID!, $o: ID!) { addIncidentParticipant(incidentId: $i, organisationId: $o) { id } }`,
        variables: { i: incident.id, o: newcomer.id },
      };
    },
    expect: INCIDENT_WRITE,
  },
  {
    operation: 'Mutation.submitSituationReport',
    scope: 'REPORTS_WRITE',
    setup: async (w) => {
      const { incident } = await world(w);
      return {
        query: `mutation ($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { id version } }`,
        variables: { input: { incidentId: incident.id, operationalStatus: 'NORMAL', situation: 'Matrisrapport', visibility: 'ALL_PARTICIPANTS' } },
      };
    },
    expect: PARTICIPANT_WRITE,
  },
  {
    operation: 'Mutation.acknowledgeSituationReport',
    scope: 'REPORTS_WRITE',
    setup: async (w) => {
      const { partner, incident } = await world(w);
      const id = await insertReport(w, incident.id, partner.id);
      return { query: `mutation ($id: ID!) { acknowledgeSituationReport(id: $id) { id } }`, variables: { id } };
    },
    expect: PARTICIPANT_WRITE,
  },
  {
    operation: 'Subscription.situationReportSubmitted',
    scope: 'REPORTS_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      return { query: `subscription ($id: ID) { situationReportSubmitted(incidentId: $id) { id version } }`, variables: { id: incident.id } };
    },
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Subscription.incidentChanged',
    scope: 'INCIDENTS_READ',
    setup: async () => ({ query: `subscription { incidentChanged { id status } }` }),
    expect: LIST,
  },
];
