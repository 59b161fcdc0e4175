import { insertLink } from '../../support/link-fixtures.js';
import { incidentWithPartner, PARTICIPANT_WRITE, SEES_INCIDENT, type MatrixRow } from '../matrix.types.js';


/** Closing: the initiating organisation, or a COORDINATOR (and so ADMIN). */
const CLOSE = { ...PARTICIPANT_WRITE, coordinator: 'OK', admin: 'OK' } as const;

const world = incidentWithPartner;

/** Communication links (issue 6). */
export const rows: MatrixRow[] = [
  {
    operation: 'Query.communicationLink',
    scope: 'LINKS_READ',
    setup: async (w) => {
      const { partner, incident } = await world(w);
      const id = await insertLink(w.hub.db, incident.id, w.own.id, [partner.id]);
      return { query: `query ($id: ID!) { communicationLink(id: $id) { id status } }`, variables: { id } };
    },
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Mutation.proposeCommunicationLink',
    scope: 'LINKS_WRITE',
    setup: async (w) => {
      const { partner, incident } = await world(w);
      return {
        query: `mutation ($input: ProposeCommunicationLinkInput!) { proposeCommunicationLink(input: $input) { id status } }`,
        variables: { input: { incidentId: incident.id, name: 'Matrix link', channel: 'RAKEL_TALKGROUP', address: 'RG MATRIX', participantOrganisationIds: [partner.id] } },
      };
    },
    expect: PARTICIPANT_WRITE,
  },
  {
    operation: 'Mutation.respondToCommunicationLink',
    scope: 'LINKS_WRITE',
    setup: async (w) => {
      const { partner, incident } = await world(w);
      // Proposed by the partner, inviting the own organisation.
      const linkId = await insertLink(w.hub.db, incident.id, partner.id, [w.own.id]);
      return {
        query: `mutation ($input: RespondToCommunicationLinkInput!) { respondToCommunicationLink(input: $input) { id status } }`,
        variables: { input: { linkId, accept: true, contactName: 'Matrix', contactPhone: '+46 8 465 004 40' } },
      };
    },
    expect: PARTICIPANT_WRITE,
  },
  {
    operation: 'Mutation.closeCommunicationLink',
    scope: 'LINKS_WRITE',
    setup: async (w) => {
      const { partner, incident } = await world(w);
      const id = await insertLink(w.hub.db, incident.id, w.own.id, [partner.id], { status: 'ACTIVE' });
      return { query: `mutation ($id: ID!) { closeCommunicationLink(id: $id) { id status } }`, variables: { id } };
    },
    expect: CLOSE,
  },
  {
    operation: 'Subscription.communicationLinkChanged',
    scope: 'LINKS_READ',
    setup: async (w) => {
      const { incident } = await world(w);
      return { query: `subscription ($id: ID) { communicationLinkChanged(incidentId: $id) { id status } }`, variables: { id: incident.id } };
    },
    expect: SEES_INCIDENT,
  },
];
