import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, userSession } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WsClient, type WsSubscription } from './support/ws-client.js';

const REPORTS = `subscription ($incidentId: ID) { situationReportSubmitted(incidentId: $incidentId) { id organisation { id } } }`;

let hub: TestApp;
const clients: WsClient[] = [];
beforeAll(async () => {
  hub = await startTestApp({ WS_RECHECK_SECONDS: '1' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await hub.close();
});

async function subscribe(params: Record<string, unknown>, incidentId: string): Promise<WsSubscription> {
  const client = await WsClient.connect(hub.url, params);
  clients.push(client);
  return client.subscribe(REPORTS, { incidentId }, 100);
}

/** How a subscription ended: the close code when the server closed its socket. */
async function closeCodeWithin(sub: WsSubscription, ms: number): Promise<number | undefined> {
  const ended = await Promise.race([sub.complete.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), ms))]);
  if (!ended) return undefined;
  return sub.received.at(-1)?.errors?.[0]?.extensions?.closeCode;
}

describe('open WebSocket connections are checked again (WS_RECHECK_SECONDS)', () => {
  it('closes with 4403 the sockets of a deactivated user, an ended session, a changed role and a revoked API key; the others go on', async () => {
    const reporter = await userSession(hub, 'LIAISON_OFFICER');
    const admin = await userSession(hub, 'ADMIN');
    const deactivated = await userSession(hub, 'VIEWER', reporter.organisationId);
    const loggedOut = await userSession(hub, 'VIEWER', reporter.organisationId);
    const demoted = await userSession(hub, 'LIAISON_OFFICER', reporter.organisationId);
    const staying = await userSession(hub, 'VIEWER', reporter.organisationId);
    const key = await createApiKey(hub.db, reporter.organisationId, ['REPORTS_READ']);
    const incident = await insertIncident(hub.db, [reporter.organisationId]);

    const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });
    const subs = {
      deactivated: await subscribe(bearer(deactivated.accessToken), incident.id),
      loggedOut: await subscribe(bearer(loggedOut.accessToken), incident.id),
      demoted: await subscribe(bearer(demoted.accessToken), incident.id),
      key: await subscribe({ apiKey: key.secret }, incident.id),
      staying: await subscribe(bearer(staying.accessToken), incident.id),
    };

    const ok = (res: { body: { errors?: unknown } }) => expect(res.body.errors).toBeUndefined();
    ok(await hub.gql(`mutation ($id: ID!) { updateUser(id: $id, input: { active: false }) { id } }`, { id: deactivated.id }, admin.headers));
    ok(await hub.gql(`mutation ($t: String!) { logout(refreshToken: $t) }`, { t: loggedOut.refreshToken }));
    ok(await hub.gql(`mutation ($id: ID!) { updateUser(id: $id, input: { role: VIEWER }) { id } }`, { id: demoted.id }, admin.headers));
    await hub.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [key.id]);

    for (const name of ['deactivated', 'loggedOut', 'demoted', 'key'] as const) {
      expect([name, await closeCodeWithin(subs[name], 4000)]).toEqual([name, 4403]);
    }
    // The connection whose credentials still hold is open and still receives.
    const report = await submitReport(hub, reporter.headers, incident.id);
    expect((await subs.staying.next()).data?.situationReportSubmitted.id).toBe(report.id);
  });
});
