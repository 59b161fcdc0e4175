import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationTopic, NotificationType } from '../src/common/notifications/outbox-sink.js';
import { RequestContext } from '../src/common/request/request-context.js';
import { TransactionService } from '../src/database/transaction.service.js';
import { OverdueNoticesService } from '../src/notifications/overdue-notices.service.js';
import { WebhookWorker } from '../src/notifications/outbox-worker.service.js';
import { createApiKey, userSession } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { insertLogEntry, writeEntry } from './support/log-fixtures.js';
import { insertHolding, insertResourceType, ok, REQUEST } from './support/resource-fixtures.js';
import { SmtpReceiver } from './support/smtp-receiver.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 21, e-mail: through the same outbox and worker as webhooks, to a real SMTP server in this
 * process (smtp-server), from the real app with its worker running.
 */
const PUBLIC_URL = 'https://hub.example';
const UPDATE = `mutation ($input: UpdateNotificationPreferencesInput!) { updateMyNotificationPreferences(input: $input) { topics digestHours language emailEnabled updatedAt } }`;

let hub: TestApp;
let smtp: SmtpReceiver;
let worker: WebhookWorker;
beforeAll(async () => {
  smtp = new SmtpReceiver();
  await smtp.start();
  hub = await startTestApp({ SMTP_URL: smtp.url, HUB_PUBLIC_URL: PUBLIC_URL, WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_BACKOFF_BASE_MS: '100', WEBHOOK_BACKOFF_MAX_MS: '300', WEBHOOK_TIMEOUT_MS: '3000' });
  worker = hub.app.get(WebhookWorker);
  worker.start();
});
afterAll(async () => {
  await worker.stop();
  await hub.close();
  await smtp.close();
});

type Who = Awaited<ReturnType<typeof userSession>>;

async function prefer(who: Who, input: Record<string, unknown>) {
  return (await ok(hub.gql(UPDATE, { input }, who.headers))).updateMyNotificationPreferences;
}

async function emailRows(userIds: string[]): Promise<{ user_id: string; status: string; topic: string; last_error: string | null; digest: boolean }[]> {
  return hub.db.query(`SELECT user_id, status, topic, last_error, digest FROM outbox_deliveries WHERE channel = 'EMAIL' AND user_id = ANY($1::uuid[]) ORDER BY created_at`, [userIds]);
}

/** Waits until no e-mail of these users is due or being sent (digest rows waiting for their period do not count). */
async function settled(userIds: string[], ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const [{ n }] = await hub.db.query(
      `SELECT count(*)::int AS n FROM outbox_deliveries WHERE user_id = ANY($1::uuid[]) AND (status = 'DELIVERING' OR (status = 'PENDING' AND next_attempt_at <= now() + interval '5 seconds'))`,
      [userIds],
    );
    if (n === 0) return;
    if (Date.now() > end) throw new Error(`${n} e-mail deliveries still queued`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function withWorkerStopped<T>(work: () => Promise<T>): Promise<T> {
  await worker.stop();
  try {
    return await work();
  } finally {
    worker.start();
  }
}

describe('e-mail notifications', () => {
  it('sends a RESTRICTED report’s notice to the addressed organisation’s users who asked, in their language, without the report’s text, and to nobody else', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const b = await userSession(hub, 'LIAISON_OFFICER');
    const c = await userSession(hub, 'LIAISON_OFFICER');
    const outsider = await userSession(hub, 'LIAISON_OFFICER');
    const [bEn, bSilent, cOrg, aOwn] = await Promise.all([
      userSession(hub, 'VIEWER', b.organisationId),
      userSession(hub, 'VIEWER', b.organisationId),
      userSession(hub, 'VIEWER', c.organisationId),
      userSession(hub, 'VIEWER', a.organisationId),
    ]);
    const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId, c.organisationId]);
    await prefer(b, { topics: ['RESTRICTED_REPORT'] });
    await prefer(bEn, { topics: ['RESTRICTED_REPORT'], language: 'EN' });
    await prefer(c, { topics: ['RESTRICTED_REPORT'] });
    // Every event of its organisation's incidents: it is told of the report only if it may read it.
    await prefer(cOrg, { topics: ['ORGANISATION_EVENTS'] });
    await prefer(aOwn, { topics: ['RESTRICTED_REPORT'] });
    await prefer(outsider, { topics: ['ORGANISATION_EVENTS', 'RESTRICTED_REPORT'] });
    const everyone = [a, b, c, outsider, bEn, bSilent, cOrg, aOwn];

    const secret = 'Dammen vid Lövsta läcker; evakuera Norrby före 14.00.';
    await submitReport(hub, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId], situation: secret });
    await smtp.until(() => smtp.to(b.email).length === 1 && smtp.to(bEn.email).length === 1);
    await settled(everyone.map((u) => u.id));

    const [sv] = smtp.to(b.email);
    expect(sv.subject).toBe(`[Samverkan] En lägesrapport med begränsad spridning har skickats till er organisation (${incident.reference})`);
    expect(sv.text).toContain(`Logga in för att läsa: ${PUBLIC_URL}/console/incidents/${incident.id}`);
    const [en] = smtp.to(bEn.email);
    expect(en.subject).toBe(`[Samverkan] A restricted situation report was sent to your organisation (${incident.reference})`);
    expect(en.text).toContain(`Sign in to read it: ${PUBLIC_URL}/console/incidents/${incident.id}`);
    for (const m of [sv, en]) {
      expect(m.raw).not.toContain('Lövsta');
      expect(m.text).not.toContain(secret);
      expect(m.text).not.toMatch(/Dammen|evakuera/);
    }
    for (const u of [a, c, outsider, bSilent, cOrg, aOwn]) expect(smtp.to(u.email)).toHaveLength(0);
    // The participant that was not addressed asked for every event: its row was queued, and skipped when the access rules said no.
    expect(await emailRows([cOrg.id])).toEqual([expect.objectContaining({ status: 'SKIPPED', topic: 'ORGANISATION_EVENTS', last_error: 'not readable by the recipient' })]);
    expect(await emailRows([outsider.id, bSilent.id, c.id, aOwn.id])).toEqual([]);
  });

  it('sends nothing for a change that rolls back', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const b = await userSession(hub, 'LIAISON_OFFICER');
    const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId]);
    await prefer(b, { topics: ['ORGANISATION_EVENTS', 'RESTRICTED_REPORT'] });
    const event = { type: NotificationType.INCIDENT_CHANGED, incidentId: incident.id, subjectId: incident.id };
    await expect(
      hub.app.get(TransactionService).run(RequestContext.system('rollback-test'), async (t) => {
        t.notify({ ...event, addressed: [{ topic: NotificationTopic.TASK_ASSIGNED, organisationIds: [b.organisationId] }] });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // A refused mutation (a RESTRICTED report without recipients) queues nothing either.
    const refused = await hub.gql(
      `mutation ($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { id } }`,
      { input: { incidentId: incident.id, operationalStatus: 'NORMAL', situation: 'x', visibility: 'RESTRICTED', recipientOrganisationIds: [] } },
      a.headers,
    );
    expect(refused.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await emailRows([b.id])).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to(b.email)).toHaveLength(0);

    // The same event, committed, is sent.
    await hub.app.get(TransactionService).run(RequestContext.system('commit-test'), async (t) => t.notify(event));
    await smtp.until(() => smtp.to(b.email).length === 1);
    expect(smtp.to(b.email)[0].subject).toBe(`[Samverkan] Händelsen har ändrats (${incident.reference})`);
  });

  it('collects the events of a digest period into one mail', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const b = await userSession(hub, 'LIAISON_OFFICER');
    const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId]);
    expect(await prefer(b, { topics: ['ORGANISATION_EVENTS'], digestHours: 4, language: 'EN' })).toMatchObject({ topics: ['ORGANISATION_EVENTS'], digestHours: 4, language: 'EN', emailEnabled: true });
    for (let i = 0; i < 3; i++) await submitReport(hub, a.headers, incident.id, { situation: `Läge ${i}` });
    const rows = await emailRows([b.id]);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.digest && r.status === 'PENDING')).toBe(true);
    // All three wait for the end of the same period, and nothing is sent before it.
    const [{ due }] = await hub.db.query(`SELECT count(DISTINCT next_attempt_at)::int AS due FROM outbox_deliveries WHERE user_id = $1 AND next_attempt_at > now()`, [b.id]);
    expect(due).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to(b.email)).toHaveLength(0);

    // The period ends.
    await hub.db.query(`UPDATE outbox_deliveries SET next_attempt_at = now() WHERE user_id = $1`, [b.id]);
    await smtp.until(() => smtp.to(b.email).length === 1);
    await settled([b.id]);
    await new Promise((r) => setTimeout(r, 200));
    const mails = smtp.to(b.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('[Samverkan] 3 notifications');
    expect(mails[0].text.match(/A new situation report was submitted/g)).toHaveLength(3);
    expect(mails[0].text).not.toContain('Läge');
    expect((await emailRows([b.id])).map((r) => r.status)).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED']);
  });

  it('sends nothing to a user who opted out, was deactivated or moved to another organisation after the event was queued', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const b = await userSession(hub, 'LIAISON_OFFICER');
    const [optedOut, deactivated, moved, never] = await Promise.all([0, 1, 2, 3].map(() => userSession(hub, 'VIEWER', b.organisationId)));
    const elsewhere = await userSession(hub, 'VIEWER');
    const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId, elsewhere.organisationId]);
    for (const u of [b, optedOut, deactivated, moved]) await prefer(u, { topics: ['RESTRICTED_REPORT'] });
    const users = [b, optedOut, deactivated, moved, never];
    await withWorkerStopped(async () => {
      await submitReport(hub, a.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [b.organisationId] });
      expect((await emailRows(users.map((u) => u.id))).map((r) => r.user_id).sort()).toEqual([b, optedOut, deactivated, moved].map((u) => u.id).sort());
      await prefer(optedOut, { topics: [] });
      await hub.db.query(`UPDATE users SET active = false WHERE id = $1`, [deactivated.id]);
      await hub.db.query(`UPDATE users SET organisation_id = $2 WHERE id = $1`, [moved.id, elsewhere.organisationId]);
    });
    await smtp.until(() => smtp.to(b.email).length === 1);
    await settled(users.map((u) => u.id));
    for (const u of [optedOut, deactivated, moved, never]) expect(smtp.to(u.email)).toHaveLength(0);
    const reasons = Object.fromEntries((await emailRows(users.map((u) => u.id))).map((r) => [r.user_id, [r.status, r.last_error]]));
    expect(reasons).toEqual({
      [b.id]: ['DELIVERED', null],
      [optedOut.id]: ['SKIPPED', 'recipient opted out of the topic'],
      [deactivated.id]: ['SKIPPED', 'recipient deactivated'],
      [moved.id]: ['SKIPPED', 'recipient moved to another organisation'],
    });
  });

  it('tells the responsible organisation of a task assigned to it, of a task gone overdue, and the holders of a requested resource', async () => {
    const a = await userSession(hub, 'LIAISON_OFFICER');
    const b = await userSession(hub, 'LIAISON_OFFICER');
    const c = await userSession(hub, 'LIAISON_OFFICER');
    const incident = await insertIncident(hub.db, [a.organisationId, b.organisationId, c.organisationId]);
    await prefer(b, { topics: ['TASK_ASSIGNED', 'TASK_OVERDUE', 'MATCHING_RESOURCE_REQUEST'] });
    await prefer(c, { topics: ['TASK_ASSIGNED', 'TASK_OVERDUE', 'MATCHING_RESOURCE_REQUEST'] });

    await writeEntry(hub, a.headers, { incidentId: incident.id, kind: 'ACTION', title: 'Öppna evakueringsplats i Norrby', responsibleOrganisationId: b.organisationId });
    await smtp.until(() => smtp.to(b.email).length === 1);
    expect(smtp.to(b.email)[0].subject).toBe(`[Samverkan] En uppgift i stabsloggen har lagts på er organisation (${incident.reference})`);
    expect(smtp.to(b.email)[0].text).not.toContain('Norrby');

    const overdue = await insertLogEntry(hub.db, incident.id, a.organisationId, { kind: 'ACTION', responsibleId: c.organisationId, title: 'Försenad' });
    await hub.db.query(`UPDATE log_entries SET due_at = now() - interval '1 hour' WHERE id = $1`, [overdue]);
    const notices = hub.app.get(OverdueNoticesService);
    expect(await notices.queueNew()).toBeGreaterThanOrEqual(1);
    // Once per task and due time.
    const queued = await emailRows([c.id]);
    expect(queued).toEqual([expect.objectContaining({ topic: 'TASK_OVERDUE' })]);
    await notices.queueNew();
    expect(await emailRows([c.id])).toHaveLength(1);
    await smtp.until(() => smtp.to(c.email).length === 1);
    expect(smtp.to(c.email)[0].subject).toBe(`[Samverkan] En uppgift som er organisation ansvarar för är försenad (${incident.reference})`);

    const type = await insertResourceType(hub.db);
    await insertHolding(hub.db, c.organisationId, type, 5);
    await ok(hub.gql(REQUEST, { input: { incidentId: incident.id, resourceTypeId: type, quantity: 2 } }, a.headers));
    await smtp.until(() => smtp.to(c.email).length === 2);
    await settled([b.id, c.id]);
    expect(smtp.to(c.email)[1].subject).toBe(`[Samverkan] En ny resursbegäran gäller en resurs som er organisation har (${incident.reference})`);
    // b holds none of it.
    expect(smtp.to(b.email)).toHaveLength(1);
  });

  it('reads and sets only the caller’s own preferences, with limits, audited, and refuses API keys', async () => {
    const b = await userSession(hub, 'VIEWER');
    expect((await ok(hub.gql(`{ myNotificationPreferences { topics digestHours language emailEnabled updatedAt } }`, {}, b.headers))).myNotificationPreferences).toEqual({
      topics: [],
      digestHours: 0,
      language: 'SV',
      emailEnabled: true,
      updatedAt: null,
    });
    const set = await prefer(b, { topics: ['TASK_OVERDUE', 'TASK_ASSIGNED', 'TASK_ASSIGNED'], digestHours: 24 });
    expect(set).toMatchObject({ topics: ['TASK_ASSIGNED', 'TASK_OVERDUE'], digestHours: 24, language: 'SV' });
    expect(await prefer(b, { language: 'EN' })).toMatchObject({ topics: ['TASK_ASSIGNED', 'TASK_OVERDUE'], digestHours: 24, language: 'EN' });
    expect(await prefer(b, { digestHours: 0 })).toMatchObject({ digestHours: 0 });

    // At the limit (a week) and one past it.
    expect(await prefer(b, { digestHours: 168 })).toMatchObject({ digestHours: 168 });
    const tooMuch = await hub.gql(UPDATE, { input: { digestHours: 169 } }, b.headers);
    expect(tooMuch.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validationErrors: [expect.objectContaining({ field: 'input.digestHours' })] });
    const [audit] = await hub.db.query(`SELECT action, details FROM audit_events WHERE entity_id = $1 AND action = 'notificationPreferences.update' ORDER BY sequence DESC LIMIT 1`, [b.id]);
    expect(JSON.parse(audit.details)).toEqual({ topics: ['TASK_ASSIGNED', 'TASK_OVERDUE'], digestHours: 168, language: 'en' });

    const key = await createApiKey(hub.db, b.organisationId, []);
    expect((await hub.gql(`{ myNotificationPreferences { topics } }`, {}, key.headers)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('without SMTP_URL', () => {
  it('queues no e-mail and says so in the preferences', async () => {
    const off = await startTestApp({});
    try {
      const a = await userSession(off, 'LIAISON_OFFICER');
      const b = await userSession(off, 'LIAISON_OFFICER');
      const incident = await insertIncident(off.db, [a.organisationId, b.organisationId]);
      const set = await off.gql(UPDATE, { input: { topics: ['ORGANISATION_EVENTS'] } }, b.headers);
      expect(set.body.data!.updateMyNotificationPreferences).toMatchObject({ topics: ['ORGANISATION_EVENTS'], emailEnabled: false });
      await submitReport(off, a.headers, incident.id);
      expect(await off.db.query(`SELECT id FROM outbox_deliveries WHERE user_id = $1`, [b.id])).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
