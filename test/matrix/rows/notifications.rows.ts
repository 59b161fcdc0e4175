import type { DataSource } from 'typeorm';
import { REFUSED_CREDENTIALS, outcomes, type MatrixRow } from '../matrix.types.js';

/** LIAISON_OFFICER and up, for their own organisation; keys with WEBHOOKS_MANAGE. */
const OWN_ORGANISATION = outcomes('OK', { ...REFUSED_CREDENTIALS, viewer: 'FORBIDDEN', apiKeyUnscoped: 'FORBIDDEN' });
/** One endpoint of the own organisation: another organisation's liaison officer and the coordinator (of another one) do not see it; ADMIN does. */
const OWN_ENDPOINT = { ...OWN_ORGANISATION, liaisonOther: 'NOT_FOUND', coordinator: 'NOT_FOUND' } as const;

// A documentation address (TEST-NET-3): public to the address guard, and nothing is sent in the matrix (no worker runs).
const URL = 'https://203.0.113.10/hook';

async function insertEndpoint(db: DataSource, organisationId: string): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO webhook_endpoints (organisation_id, name, url, event_types, secret) VALUES ($1, 'Matrix', $2, '{INCIDENT_CHANGED}', 'whsec_matrix') RETURNING id`,
    [organisationId, URL],
  );
  return row.id;
}

/** A user's own e-mail preferences: every user, for themselves; never an API key (it has no user). */
const OWN_USER = outcomes('OK', { ...REFUSED_CREDENTIALS, apiKeyScoped: 'FORBIDDEN', apiKeyUnscoped: 'FORBIDDEN' });

/** Webhooks and e-mail preferences (issue 21). */
export const rows: MatrixRow[] = [
  { operation: 'Query.webhookEndpoints', scope: 'WEBHOOKS_MANAGE', setup: async () => ({ query: `{ webhookEndpoints { id } }` }), expect: OWN_ORGANISATION },
  {
    operation: 'Query.webhookDeliveries',
    scope: 'WEBHOOKS_MANAGE',
    setup: async (w) => ({ query: `query ($id: ID!) { webhookDeliveries(endpointId: $id) { totalCount } }`, variables: { id: await insertEndpoint(w.hub.db, w.own.id) } }),
    expect: OWN_ENDPOINT,
  },
  {
    operation: 'Mutation.registerWebhookEndpoint',
    scope: 'WEBHOOKS_MANAGE',
    setup: async () => ({
      query: `mutation ($input: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $input) { secret endpoint { id } } }`,
      variables: { input: { name: 'Matrix', url: URL, eventTypes: ['INCIDENT_CHANGED'] } },
    }),
    expect: OWN_ORGANISATION,
  },
  {
    operation: 'Mutation.updateWebhookEndpoint',
    scope: 'WEBHOOKS_MANAGE',
    setup: async (w) => ({
      query: `mutation ($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { id enabled } }`,
      variables: { input: { id: await insertEndpoint(w.hub.db, w.own.id), enabled: false } },
    }),
    expect: OWN_ENDPOINT,
  },
  {
    operation: 'Mutation.rotateWebhookSecret',
    scope: 'WEBHOOKS_MANAGE',
    setup: async (w) => ({
      query: `mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret } }`,
      variables: { input: { id: await insertEndpoint(w.hub.db, w.own.id) } },
    }),
    expect: OWN_ENDPOINT,
  },
  {
    operation: 'Mutation.deleteWebhookEndpoint',
    scope: 'WEBHOOKS_MANAGE',
    setup: async (w) => ({ query: `mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }`, variables: { id: await insertEndpoint(w.hub.db, w.own.id) } }),
    expect: OWN_ENDPOINT,
  },
  {
    operation: 'Mutation.sendTestWebhook',
    scope: 'WEBHOOKS_MANAGE',
    setup: async (w) => ({ query: `mutation ($id: ID!) { sendTestWebhook(endpointId: $id) { id status } }`, variables: { id: await insertEndpoint(w.hub.db, w.own.id) } }),
    expect: OWN_ENDPOINT,
  },
  { operation: 'Query.myNotificationPreferences', setup: async () => ({ query: `{ myNotificationPreferences { topics digestHours language } }` }), expect: OWN_USER },
  {
    operation: 'Mutation.updateMyNotificationPreferences',
    setup: async () => ({
      query: `mutation ($input: UpdateNotificationPreferencesInput!) { updateMyNotificationPreferences(input: $input) { topics } }`,
      variables: { input: { topics: ['RESTRICTED_REPORT'], digestHours: 0 } },
    }),
    expect: OWN_USER,
  },
];
