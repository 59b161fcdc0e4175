import { insertLogEntry, insertMeeting } from '../../support/log-fixtures.js';
import { incidentWithPartner, PARTICIPANT_WRITE, REFUSED_CREDENTIALS, SEES_INCIDENT, outcomes, type MatrixRow } from '../matrix.types.js';


/** Following up the own organisation's entry, running its conference: the organisation, or a COORDINATOR (and so ADMIN). */
const MANAGE = { ...PARTICIPANT_WRITE, coordinator: 'OK', admin: 'OK' } as const;

const world = incidentWithPartner;

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
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Query.myLogTasks',
    scope: 'LOG_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      await insertLogEntry(w.hub.db, incident.id, w.own.id, { responsibleId: w.own.id });
      return { query: `{ myLogTasks { totalCount nodes { id } } }` };
    },
    expect: outcomes('OK', { ...REFUSED_CREDENTIALS, apiKeyUnscoped: 'FORBIDDEN' }),
  },
  {
    operation: 'Query.meeting',
    scope: 'LOG_READ',
    setup: async (w) => {
      const { partner, incident } = await world(w);
      const id = await insertMeeting(w.hub.db, incident.id, partner.id);
      return { query: `query ($id: ID!) { meeting(id: $id) { id status } }`, variables: { id } };
    },
    expect: SEES_INCIDENT,
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
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Subscription.meetingChanged',
    scope: 'LOG_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      return { query: `subscription ($id: ID) { meetingChanged(incidentId: $id) { id } }`, variables: { id: incident.id } };
    },
    expect: SEES_INCIDENT,
  },
];
