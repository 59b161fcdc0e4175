import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationType } from '../src/common/notifications/outbox-sink.js';
import { RequestContext } from '../src/common/request/request-context.js';
import { TransactionService } from '../src/database/transaction.service.js';
import { WebhookWorker } from '../src/notifications/outbox-worker.service.js';
import { createApiKey, userSession } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { verifyWebhook, WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Issue 21: the transactional outbox and signed webhooks, against a real HTTP receiver in this
 * process and real workers (two apps on one database for "exactly once").
 */
const FAST = {
  WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_BACKOFF_BASE_MS: '100',
  WEBHOOK_BACKOFF_MAX_MS: '300',
  WEBHOOK_TIMEOUT_MS: '2000',
};

const REGISTER = `mutation ($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes enabled organisation { id } } } }`;
const DELIVERIES = `query ($id: ID!) { webhookDeliveries(endpointId: $id) { totalCount nodes { id eventType subjectId status attempts lastStatusCode test
  attemptLog { attempt statusCode error } } } }`;

let hub: TestApp;
let receiver: WebhookReceiver;
let worker: WebhookWorker;
beforeAll(async () => {
  hub = await startTestApp(FAST);
  receiver = new WebhookReceiver();
  await receiver.start();
  worker = hub.app.get(WebhookWorker);
  worker.start();
});
afterAll(async () => {
  await worker.stop();
  await hub.close();
  await receiver.close();
});

async function register(who: { headers: Record<string, string> }, path: string, eventTypes: string[] = ['SITUATION_REPORT_SUBMITTED'], extra: Record<string, unknown> = {}) {
  const res = await hub.gql(REGISTER, { input: { name: `Receiver ${path}`, url: `${receiver.url}${path}`, eventTypes, ...extra } }, who.headers);
  if (!res.body.data?.registerWebhookEndpoint) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.registerWebhookEndpoint as { secret: string; endpoint: { id: string } };
}

async function deliveries(who: { headers: Record<string, string> }, endpointId: string) {
  const res = await hub.gql(DELIVERIES, { id: endpointId }, who.headers);
  if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.webhookDeliveries;
}

async function outboxRows(endpointId: string): Promise<{ status: string }[]> {
  return hub.db.query(`SELECT status FROM outbox_deliveries WHERE endpoint_id = $1`, [endpointId]);
}

/** Waits until every delivery of these endpoints has left the queue (sent, dead or skipped). */
async function settled(endpointIds: string[], ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM outbox_deliveries WHERE endpoint_id = ANY($1::uuid[]) AND status IN ('PENDING','DELIVERING')`, [endpointIds]);
    if (n === 0) return;
    if (Date.now() > end) throw new Error(`${n} deliveries still queued`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An incident with an author (a), a recipient (b), a participant that is not addressed (c) and an outsider (d). */
async function world() {
  const [a, b, c, d] = await Promise.all([0, 1, 2, 3].map(() => userSession(hub, 'LIAISON_OFFICER')));
  const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId, c.organisationId]);
  return { a, b, c, d, incident };
}

describe('webhooks', () => {
  it('delivers a RESTRICTED report to the recipient organisation only, signed so that the documented recipe verifies it', async () => {
    const { a, b, c, d, incident } = await world();
    const [eb, ec, ed] = [await register(b, '/restricted-b'), await register(c, '/restricted-c'), await register(d, '/restricted-d')];
    const report = await submitReport(hub, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId], situation: 'Vattenläcka.' });

    await receiver.until(() => receiver.at('/restricted-b').length === 1);
    await settled([eb.endpoint.id, ec.endpoint.id, ed.endpoint.id]);
    const [got] = receiver.at('/restricted-b');
    expect(verifyWebhook(eb.secret, got.signature, got.body)).toBe(true);
    expect(verifyWebhook(ec.secret, got.signature, got.body)).toBe(false);
    expect(got.json).toMatchObject({ deliveryId: got.deliveryId, type: 'SITUATION_REPORT_SUBMITTED', incidentId: incident.id, test: false });
    expect(got.json.data).toMatchObject({ id: report.id, situation: 'Vattenläcka.', visibility: 'RESTRICTED', organisationId: a.organisationId });
    expect(receiver.at('/restricted-c')).toHaveLength(0);
    expect(receiver.at('/restricted-d')).toHaveLength(0);

    // The recipient's log shows the delivery; the others' logs show nothing, not even that there was something.
    expect((await deliveries(b, eb.endpoint.id)).nodes).toEqual([
      expect.objectContaining({ id: got.deliveryId, status: 'DELIVERED', attempts: 1, lastStatusCode: 204, subjectId: report.id, attemptLog: [{ attempt: 1, statusCode: 204, error: null }] }),
    ]);
    expect(await deliveries(c, ec.endpoint.id)).toMatchObject({ totalCount: 0, nodes: [] });
    expect(await deliveries(d, ed.endpoint.id)).toMatchObject({ totalCount: 0, nodes: [] });
    // The outsider's endpoint got no row at all: its organisation takes no part in the incident.
    expect(await outboxRows(ed.endpoint.id)).toEqual([]);

    // A report for all participants reaches b and c, still not d.
    await submitReport(hub, a.headers, incident.id, { visibility: 'ALL_PARTICIPANTS' });
    await receiver.until(() => receiver.at('/restricted-c').length === 1 && receiver.at('/restricted-b').length === 2);
    await settled([eb.endpoint.id, ec.endpoint.id, ed.endpoint.id]);
    expect(receiver.at('/restricted-d')).toHaveLength(0);
  });

  it('writes nothing to the outbox for a change that rolls back', async () => {
    const { a, b, incident } = await world();
    const { endpoint } = await register(b, '/rollback');
    const tx = hub.app.get(TransactionService);
    const ctx = RequestContext.system('rollback-test');
    const event = { type: NotificationType.SITUATION_REPORT_SUBMITTED, incidentId: incident.id, subjectId: incident.id };
    await expect(
      tx.run(ctx, async (t) => {
        t.notify(event);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await outboxRows(endpoint.id)).toEqual([]);

    // A refused mutation (a RESTRICTED report without recipients) queues nothing either.
    const refused = await hub.gql(
      `mutation ($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { id } }`,
      { input: { incidentId: incident.id, operationalStatus: 'NORMAL', situation: 'x', visibility: 'RESTRICTED', recipientOrganisationIds: [] } },
      a.headers,
    );
    expect(refused.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await outboxRows(endpoint.id)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.at('/rollback')).toHaveLength(0);

    // The same event, committed, is queued.
    await tx.run(ctx, async (t) => t.notify(event));
    expect(await outboxRows(endpoint.id)).toHaveLength(1);
  });

  it('retries a receiver that answers 500 three times and delivers on the fourth attempt with the same delivery id', async () => {
    const { a, b, incident } = await world();
    const { endpoint, secret } = await register(b, '/flaky');
    receiver.failures['/flaky'] = 3;
    await submitReport(hub, a.headers, incident.id);

    await receiver.until(() => receiver.at('/flaky').length === 4);
    await settled([endpoint.id]);
    const got = receiver.at('/flaky');
    expect(new Set(got.map((r) => r.deliveryId)).size).toBe(1);
    expect(new Set(got.map((r) => r.json.deliveryId))).toEqual(new Set([got[0].deliveryId]));
    expect(got.every((r) => verifyWebhook(secret, r.signature, r.body))).toBe(true);
    const [delivery] = (await deliveries(b, endpoint.id)).nodes;
    expect(delivery).toMatchObject({ id: got[0].deliveryId, status: 'DELIVERED', attempts: 4, lastStatusCode: 204 });
    expect(delivery.attemptLog.map((x: { statusCode: number }) => x.statusCode)).toEqual([500, 500, 500, 204]);
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS (DEAD) without the hub becoming unhealthy', async () => {
    const { a, b, incident } = await world();
    const { endpoint } = await register(b, '/down');
    receiver.failures['/down'] = 1000;
    await submitReport(hub, a.headers, incident.id);
    // The default is 10 attempts; make this delivery's last one due now rather than wait for the backoff.
    await hub.db.query(`UPDATE outbox_deliveries SET attempts = 9 WHERE endpoint_id = $1 AND attempts = 0`, [endpoint.id]);
    await settled([endpoint.id]);
    const [delivery] = (await deliveries(b, endpoint.id)).nodes;
    expect(delivery).toMatchObject({ status: 'DEAD', attempts: 10, lastStatusCode: 500 });
    expect((await hub.get('/health/ready')).status).toBe(200);
    const metrics = (await hub.get('/metrics')).text;
    expect(metrics).toMatch(/hub_webhook_deliveries_total\{outcome="dead"\} [1-9]/);
    expect(metrics).toMatch(/hub_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/hub_webhook_queue_depth \d+/);
    expect(metrics).toMatch(/hub_webhook_oldest_pending_age_seconds [\d.]+/);
  });

  it('two replicas deliver each event exactly once', async () => {
    const second = await startTestApp(FAST);
    const secondWorker = second.app.get(WebhookWorker);
    secondWorker.start();
    try {
      const { a, b, incident } = await world();
      const { endpoint } = await register(b, '/replicas');
      const reports = await Promise.all(Array.from({ length: 30 }, () => submitReport(hub, a.headers, incident.id)));
      await receiver.until(() => receiver.at('/replicas').length >= 30);
      await settled([endpoint.id]);
      await new Promise((r) => setTimeout(r, 300));
      const got = receiver.at('/replicas');
      expect(got).toHaveLength(30);
      expect(new Set(got.map((r) => r.deliveryId)).size).toBe(30);
      expect(new Set(got.map((r) => r.json.data.id))).toEqual(new Set(reports.map((r) => r.id)));
      // One attempt per delivery: no replica sent one that the other had claimed.
      const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM delivery_attempts a JOIN outbox_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`, [endpoint.id]);
      expect(n).toBe(30);
    } finally {
      await secondWorker.stop();
      await second.close();
    }
  });

  it('takes over the deliveries a killed replica had claimed once its lease runs out', async () => {
    const { a, b, incident } = await world();
    const { endpoint } = await register(b, '/takeover');
    await worker.stop();
    try {
      await submitReport(hub, a.headers, incident.id);
      // A replica claimed it and died before sending: the claim holds until its lease runs out.
      await hub.db.query(
        `UPDATE outbox_deliveries SET status = 'DELIVERING', attempts = 1, claimed_by = 'killed', claimed_until = now() + interval '1 second', next_attempt_at = now() + interval '1 second'
          WHERE endpoint_id = $1`,
        [endpoint.id],
      );
      // A pass of the worker leaves it alone: still the killed replica's, never attempted again.
      // (The pass may send another test's delivery that falls due meanwhile: the assertion is on
      // this endpoint's row, not on the pass's count.)
      await worker.runOnce();
      const [row] = await hub.db.query(`SELECT status, attempts, claimed_by FROM outbox_deliveries WHERE endpoint_id = $1`, [endpoint.id]);
      expect(row).toEqual({ status: 'DELIVERING', attempts: 1, claimed_by: 'killed' });
      expect(receiver.at('/takeover')).toHaveLength(0);
    } finally {
      worker.start();
    }
    await receiver.until(() => receiver.at('/takeover').length === 1);
    await settled([endpoint.id]);
    expect((await deliveries(b, endpoint.id)).nodes[0]).toMatchObject({ status: 'DELIVERED', attempts: 2 });
  });

  it('signs with both secrets during a rotation overlap, and with the new one only without overlap', async () => {
    const { b } = await world();
    const { endpoint, secret: first } = await register(b, '/rotate');
    const rotate = `mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret endpoint { id previousSecretExpiresAt } } }`;
    const rotated = await hub.gql(rotate, { input: { id: endpoint.id, overlapMinutes: 60 } }, b.headers);
    const second: string = rotated.body.data!.rotateWebhookSecret.secret;
    expect(second).not.toBe(first);
    expect(rotated.body.data!.rotateWebhookSecret.endpoint.previousSecretExpiresAt).not.toBeNull();

    const sent = await hub.gql(`mutation ($id: ID!) { sendTestWebhook(endpointId: $id) { id status test } }`, { id: endpoint.id }, b.headers);
    expect(sent.body.data!.sendTestWebhook).toMatchObject({ status: 'PENDING', test: true });
    await receiver.until(() => receiver.at('/rotate').length === 1);
    const [test] = receiver.at('/rotate');
    expect(test.json).toMatchObject({ deliveryId: sent.body.data!.sendTestWebhook.id, test: true });
    expect(test.signature.match(/v1=/g)).toHaveLength(2);
    expect(verifyWebhook(first, test.signature, test.body)).toBe(true);
    expect(verifyWebhook(second, test.signature, test.body)).toBe(true);

    const third: string = (await hub.gql(rotate, { input: { id: endpoint.id, overlapMinutes: 0 } }, b.headers)).body.data!.rotateWebhookSecret.secret;
    await hub.gql(`mutation ($id: ID!) { sendTestWebhook(endpointId: $id) { id } }`, { id: endpoint.id }, b.headers);
    await receiver.until(() => receiver.at('/rotate').length === 2);
    const [, again] = receiver.at('/rotate');
    expect(again.signature.match(/v1=/g)).toHaveLength(1);
    expect(verifyWebhook(third, again.signature, again.body)).toBe(true);
    expect(verifyWebhook(second, again.signature, again.body)).toBe(false);

    // The secret is never read back.
    const listed = await hub.gql(`{ webhookEndpoints { id name url } }`, {}, b.headers);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
  });

  it('lets an API key with WEBHOOKS_MANAGE manage its own organisation’s endpoints, and keeps other organisations’ endpoints NOT_FOUND', async () => {
    const { b, c } = await world();
    const key = await createApiKey(hub.db, b.organisationId, ['WEBHOOKS_MANAGE']);
    const { endpoint } = await register(key, '/by-key', ['INCIDENT_CHANGED', 'LOG_ENTRY_CHANGED']);
    const update = `mutation ($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { id enabled eventTypes } }`;
    expect((await hub.gql(update, { input: { id: endpoint.id, enabled: false } }, key.headers)).body.data!.updateWebhookEndpoint).toMatchObject({ enabled: false });
    expect((await hub.gql(update, { input: { id: endpoint.id, enabled: true } }, c.headers)).body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await hub.gql(`{ webhookEndpoints { id } }`, {}, c.headers)).body.data!.webhookEndpoints).toEqual([]);
    const deleted = await hub.gql(`mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: endpoint.id }, b.headers);
    expect(deleted.body.data!.deleteWebhookEndpoint).toBe(endpoint.id);
    expect((await hub.gql(`{ webhookEndpoints { id } }`, {}, b.headers)).body.data!.webhookEndpoints).toEqual([]);
  });
});

describe('retention', () => {
  it('deletes delivered, dead and skipped deliveries (with their log) older than OUTBOX_RETENTION_DAYS, in batches, and keeps the rest', async () => {
    const { b } = await world();
    const { endpoint } = await register(b, '/retention');
    // 1005 finished long ago (more than one batch of 1000), one of each state recently, and one still queued that is as old.
    await hub.db.query(
      `INSERT INTO outbox_deliveries (endpoint_id, event_type, test, status, attempts, created_at, finished_at)
       SELECT $1, 'INCIDENT_CHANGED', true, (ARRAY['DELIVERED','DEAD','SKIPPED'])[1 + i % 3], 1, now() - interval '40 days', now() - interval '31 days'
         FROM generate_series(1, 1005) i`,
      [endpoint.id],
    );
    const [old] = await hub.db.query(`SELECT id FROM outbox_deliveries WHERE endpoint_id = $1 LIMIT 1`, [endpoint.id]);
    await hub.db.query(`INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code) VALUES ($1, 1, now() - interval '31 days', 5, 204)`, [old.id]);
    await hub.db.query(
      `INSERT INTO outbox_deliveries (endpoint_id, event_type, test, status, attempts, created_at, finished_at, next_attempt_at)
       VALUES ($1, 'INCIDENT_CHANGED', true, 'DELIVERED', 1, now() - interval '29 days', now() - interval '29 days', now()),
              ($1, 'INCIDENT_CHANGED', true, 'DEAD', 10, now() - interval '29 days', now() - interval '29 days', now()),
              ($1, 'INCIDENT_CHANGED', true, 'SKIPPED', 1, now() - interval '29 days', now() - interval '29 days', now()),
              ($1, 'INCIDENT_CHANGED', true, 'PENDING', 3, now() - interval '40 days', NULL, now() + interval '1 hour')`,
      [endpoint.id],
    );
    const count = async () => (await hub.db.query(`SELECT status, count(*)::int AS n FROM outbox_deliveries WHERE endpoint_id = $1 GROUP BY status ORDER BY status`, [endpoint.id])) as { status: string; n: number }[];

    // The running worker purges at most once a minute: stopped here so that the batches counted are these.
    await worker.stop();
    try {
      expect(await worker.purgeOnce()).toBe(1000);
      expect(await worker.purgeOnce()).toBe(5);
      expect(await worker.purgeOnce()).toBe(0);
    } finally {
      worker.start();
    }
    expect(await count()).toEqual([
      { status: 'DEAD', n: 1 },
      { status: 'DELIVERED', n: 1 },
      { status: 'PENDING', n: 1 },
      { status: 'SKIPPED', n: 1 },
    ]);
    expect(await hub.db.query(`SELECT id FROM delivery_attempts WHERE delivery_id = $1`, [old.id])).toEqual([]);

    // With retention off, nothing is deleted.
    const keep = await startTestApp({ OUTBOX_RETENTION_DAYS: '0' });
    try {
      await hub.db.query(`UPDATE outbox_deliveries SET finished_at = now() - interval '400 days' WHERE endpoint_id = $1 AND finished_at IS NOT NULL`, [endpoint.id]);
      expect(await keep.app.get(WebhookWorker).purgeOnce()).toBe(0);
      expect((await count()).reduce((n, r) => n + r.n, 0)).toBe(4);
    } finally {
      await keep.close();
    }
  });
});

describe('webhook addresses (SSRF)', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ WEBHOOK_TIMEOUT_MS: '2000' });
  });
  afterAll(() => strict.close());

  it.each(['http://127.0.0.1:8080/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/hook', 'http://10.0.0.5/hook', 'http://localhost/hook'])(
    'refuses %s at registration unless private addresses are allowed',
    async (url) => {
      const b = await userSession(strict, 'LIAISON_OFFICER');
      const res = await strict.gql(REGISTER, { input: { name: 'SSRF', url, eventTypes: ['INCIDENT_CHANGED'] } }, b.headers);
      expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [{ field: 'input.url', message: expect.stringContaining('input.url') }] });
      const allowed = await hub.gql(REGISTER, { input: { name: 'Closed network', url, eventTypes: ['INCIDENT_CHANGED'] } }, (await userSession(hub, 'LIAISON_OFFICER')).headers);
      expect(allowed.body.errors).toBeUndefined();
    },
  );

  it('checks the address again at delivery: an endpoint registered where it was allowed is not sent to where it is not', async () => {
    const b = await userSession(hub, 'LIAISON_OFFICER');
    const { endpoint } = await register(b, '/strict');
    await worker.stop();
    try {
      await hub.gql(`mutation ($id: ID!) { sendTestWebhook(endpointId: $id) { id } }`, { id: endpoint.id }, b.headers);
      await strict.app.get(WebhookWorker).runOnce();
      const [delivery] = (await deliveries(b, endpoint.id)).nodes;
      expect(delivery).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null });
      expect(delivery.attemptLog[0].error).toMatch(/^refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1/);
      expect(receiver.at('/strict')).toHaveLength(0);
    } finally {
      worker.start();
    }
  });
});
