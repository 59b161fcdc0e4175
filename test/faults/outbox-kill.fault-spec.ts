import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { createApiKey, createOrganisation } from '../support/factories.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { insertIncident, SUBMIT_REPORT } from '../support/incident-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { verifyWebhook, WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Issue 21: a hub process killed with SIGKILL between claiming a delivery and sending it. The
 * delivery must go out after a restart, once, with the delivery id it was claimed with.
 *
 * To stop the worker exactly there, the test holds an ACCESS EXCLUSIVE lock on
 * `situation_reports`: the worker's claim (a statement on the outbox) goes through, and its next
 * step, reading the report as the receiving organisation, waits on the lock. The hub is killed
 * while it waits; the lock is released; a second hub takes the delivery over once the first
 * one's claim lease (2 s here) has run out.
 */
const HUB_ENV = { WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_CLAIM_LEASE_SECONDS: '2', WEBHOOK_TIMEOUT_MS: '3000' };

let fixtures: TestApp;
let receiver: WebhookReceiver;
const hubs: HubProcess[] = [];

beforeAll(async () => {
  fixtures = await startTestApp(); // migrations and fixtures on the run's database; its worker is off
  receiver = new WebhookReceiver();
  await receiver.start();
});
afterAll(async () => {
  for (const h of hubs) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
  await fixtures.close();
  await receiver.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('a hub killed with SIGKILL between claim and send: the delivery is sent after a restart, once, with the same delivery id', async () => {
  const db = fixtures.db;
  const [author, receiving] = await Promise.all([createOrganisation(db), createOrganisation(db)]);
  const incident = await insertIncident(db, [author.id, receiving.id]);
  const secret = 'whsec_kill-test-secret';
  const [endpoint] = await db.query(
    `INSERT INTO webhook_endpoints (organisation_id, name, url, event_types, secret) VALUES ($1, 'Killed', $2, '{SITUATION_REPORT_SUBMITTED}', $3) RETURNING id`,
    [receiving.id, `${receiver.url}/killed`, secret],
  );
  const key = await createApiKey(db, author.id, ['REPORTS_WRITE']);
  const submitted = await fixtures.gql(SUBMIT_REPORT, { input: { incidentId: incident.id, operationalStatus: 'NORMAL', situation: 'Före kraschen.', visibility: 'ALL_PARTICIPANTS' } }, key.headers);
  const reportId: string = submitted.body.data!.submitSituationReport.id;
  const [queued] = await db.query(`SELECT id, status, attempts FROM outbox_deliveries WHERE endpoint_id = $1`, [endpoint.id]);
  expect(queued).toMatchObject({ status: 'PENDING', attempts: 0 });

  const locker = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE situation_reports IN ACCESS EXCLUSIVE MODE');

    const first = await startHubProcess(HUB_ENV);
    hubs.push(first);
    // Claimed by this process (claimed_by is host:pid:…), and stuck before the send.
    const claimed = await until('the claim', async () => {
      const [row] = await db.query(`SELECT status, attempts, claimed_by FROM outbox_deliveries WHERE id = $1`, [queued.id]);
      return row.status === 'DELIVERING' ? row : undefined;
    });
    expect(claimed.attempts).toBe(1);
    expect(claimed.claimed_by).toContain(`:${first.child.pid}:`);
    expect(receiver.at('/killed')).toHaveLength(0);

    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
  // Nothing was sent, and the claim of the dead process is still on the row.
  expect(receiver.at('/killed')).toHaveLength(0);
  const [orphan] = await db.query(`SELECT status, claimed_by FROM outbox_deliveries WHERE id = $1`, [queued.id]);
  expect(orphan.status).toBe('DELIVERING');

  const second = await startHubProcess(HUB_ENV);
  hubs.push(second);
  await receiver.until(() => receiver.at('/killed').length >= 1, 30000);
  const delivered = await until('the delivery to be recorded', async () => {
    const [row] = await db.query(`SELECT status, attempts, claimed_by FROM outbox_deliveries WHERE id = $1`, [queued.id]);
    return row.status === 'DELIVERED' ? row : undefined;
  });
  await new Promise((r) => setTimeout(r, 500));

  const got = receiver.at('/killed');
  expect(got).toHaveLength(1);
  expect(got[0].deliveryId).toBe(queued.id);
  expect(got[0].json).toMatchObject({ deliveryId: queued.id, type: 'SITUATION_REPORT_SUBMITTED', data: { id: reportId, situation: 'Före kraschen.' } });
  expect(verifyWebhook(secret, got[0].signature, got[0].body)).toBe(true);
  expect(delivered).toMatchObject({ attempts: 2, claimed_by: null });
  // The killed attempt sent no request, so the log has the second one only.
  expect(await db.query(`SELECT attempt, status_code FROM delivery_attempts WHERE delivery_id = $1`, [queued.id])).toEqual([{ attempt: 2, status_code: 204 }]);

  second.child.kill('SIGTERM');
  await second.exited;
});
