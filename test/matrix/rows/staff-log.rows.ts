import { createOrganisation } from '../../support/factories.js';
import { insertIncident } from '../../support/incident-fixtures.js';
import { insertLogEntry, insertMeeting } from '../../support/log-fixtures.js';
import { outcomes, type MatrixRow, type MatrixWorld } from '../matrix.types.js';

const UNAUTHENTICATED = { anonymous: 'UNAUTHENTICATED', revokedKey: 'UNAUTHENTICATED', expiredToken: 'UNAUTHENTICATED' } as const;

/** Reading what all participants read (an ALL_PARTICIPANTS entry, a conference of all): whoever sees the incident; keys need LOG_READ. */
const READ = outcomes('OK', { ...UNAUTHENTICATED, liaisonOther: 'NOT_FOUND', apiKeyUnscoped: 'FORBIDDEN' });
/** Writing for the own organisation in the incident: a participant's LIAISON_OFFICER and up; a coordinator or admin of an organisation taking no part may not. */
const PARTICIPANT_WRITE = outcomes('OK', {
  ...UNAUTHENTICATED,
  viewer: 'FORBIDDEN',
  liaisonOther: 'NOT_FOUND',
  coordinator: 'FORBIDDEN',
  admin: 'FORBIDDEN',
  apiKeyUnscoped: 'FORBIDDEN',
});
/** Following up the own organisation's entry, running its conference: the organisation, or a COORDINATOR (and so ADMIN). */
const MANAGE = { ...PARTICIPANT_WRITE, coordinator: 'OK', admin: 'OK' } as const;

/** An incident in which the own organisation and a fresh one take part; "other" takes no part. */
async function world(w: MatrixWorld) {
  const partner = await createOrganisation(w.hub.db);
  const incident = await insertIncident(w.hub.db, [w.own.id, partner.id]);
  return { partner, incident };
}

/** The staff log and meetings (issue 16). */
export const rows: MatrixRow[] = [
  {
    operation: 'Query.logEntry',
    scope: 'LOG_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      const id = await insertLogEntry(w.hub.db, incident.id, w.own.id);
      return { query: `query ($id: ID!) { logEntry(id: $id) { id number } }`, variables: { id } };
    },
    expect: READ,
  },
  {
    operation: 'Query.myLogTasks',
    scope: 'LOG_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      await insertLogEntry(w.hub.db, incident.id, w.own.id, { responsibleId: w.own.id });
      return { query: `{ myLogTasks { totalCount nodes { id } } }` };
    },
    expect: outcomes('OK', { ...UNAUTHENTICATED, apiKeyUnscoped: 'FORBIDDEN' }),
  },
  {
    operation: 'Query.meeting',
    scope: 'LOG_READ',
    setup: async (w) => {
      const { partner, incident } = await world(w);
      const id = await insertMeeting(w.hub.db, incident.id, partner.id);
      return { query: `query ($id: ID!) { meeting(id: $id) { id status } }`, variables: { id } };
    },
    expect: READ,
  },
  {
    operation: 'Mutation.writeLogEntry',
    scope: 'LOG_WRITE',
    setup: async (w) => {
      const { incident } = await world(w);
      return {
        query: `mutation ($input: WriteLogEntryInput!) { writeLogEntry(input: $input) { id number } }`,
        variables: { input: { incidentId: incident.id, kind: 'NEED', title: 'Matrix need', visibility: 'ALL_PARTICIPANTS' } },
      };
    },
    expect: PARTICIPANT_WRITE,
  },
  {
    operation: 'Mutation.followUpLogEntry',
    scope: 'LOG_WRITE',
    setup: async (w) => {
      const { incident } = await world(w);
      const entryId = await insertLogEntry(w.hub.db, incident.id, w.own.id);
      return {
        query: `mutation ($input: FollowUpLogEntryInput!) { followUpLogEntry(input: $input) { id status } }`,
        variables: { input: { entryId, note: 'Matrix follow-up', status: 'IN_PROGRESS' } },
      };
    },
    expect: MANAGE,
  },
  {
    operation: 'Mutation.scheduleMeeting',
    scope: 'LOG_WRITE',
    setup: async (w) => {
      const { incident } = await world(w);
      return {
        query: `mutation ($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`,
        variables: { input: { incidentId: incident.id, kind: 'STAFF_MEETING', title: 'Matrix stabsmöte', startsAt: new Date(Date.now() + 3_600_000).toISOString() } },
      };
    },
    expect: PARTICIPANT_WRITE,
  },
  {
    operation: 'Mutation.startMeeting',
    scope: 'LOG_WRITE',
    setup: async (w) => {
      const { incident } = await world(w);
      const id = await insertMeeting(w.hub.db, incident.id, w.own.id);
      return { query: `mutation ($id: ID!) { startMeeting(id: $id) { id status } }`, variables: { id } };
    },
    expect: MANAGE,
  },
  {
    operation: 'Mutation.closeMeeting',
    scope: 'LOG_WRITE',
    setup: async (w) => {
      const { incident } = await world(w);
      const meetingId = await insertMeeting(w.hub.db, incident.id, w.own.id, { status: 'IN_PROGRESS' });
      return { query: `mutation ($input: CloseMeetingInput!) { closeMeeting(input: $input) { id status } }`, variables: { input: { meetingId, summary: 'Matrix' } } };
    },
    expect: MANAGE,
  },
  {
    operation: 'Subscription.logEntryChanged',
    scope: 'LOG_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      return { query: `subscription ($id: ID) { logEntryChanged(incidentId: $id) { id } }`, variables: { id: incident.id } };
    },
    expect: READ,
  },
  {
    operation: 'Subscription.meetingChanged',
    scope: 'LOG_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      return { query: `subscription ($id: ID) { meetingChanged(incidentId: $id) { id } }`, variables: { id: incident.id } };
    },
    expect: READ,
  },
];
