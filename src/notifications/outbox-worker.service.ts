import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { NotificationType } from '../common/notifications/outbox-sink.js';
import { inSpan } from '../common/tracing/tracer.js';
import { rows } from '../database/sql.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { composeMail } from './email-content.js';
import { type EmailDelivery, EmailNoticesService } from './email-notices.service.js';
import { Mailer } from './mailer.js';
import { OverdueNoticesService } from './overdue-notices.service.js';
import { WebhookPayloadsService } from './webhook-payloads.service.js';
import { sendWebhook, type SendOutcome } from './webhook-sender.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

/** A claimed delivery with what sending it needs: its endpoint's (webhooks) or its recipient's ids (e-mail). */
interface Claimed extends EmailDelivery {
  id: string;
  channel: 'WEBHOOK' | 'EMAIL';
  event_type: NotificationType;
  incident_id: string;
  subject_id: string;
  test: boolean;
  attempts: number;
  created_at: Date;
  digest: boolean;
  organisation_id: string;
  url: string;
  enabled: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

/** Finished deliveries deleted per statement (retention); a full batch is followed by another at the next round. */
const PURGE_BATCH = 1000;
/** How often the worker deletes old deliveries and looks for tasks that became overdue. */
const HOUSEKEEPING_INTERVAL_MS = 60_000;

export type DeliveryOutcome = 'delivered' | 'failed' | 'dead' | 'skipped';

/**
 * Sends the outbox's deliveries; one in every replica (WEBHOOK_WORKER). A round claims up to
 * WEBHOOK_BATCH_SIZE due deliveries in one statement, `FOR UPDATE SKIP LOCKED`, so that replicas
 * polling at the same moment take disjoint rows and never send one delivery twice. The claim
 * moves the row's next attempt to the end of a lease (WEBHOOK_CLAIM_LEASE_SECONDS): if this
 * replica dies before it records the outcome, the row is due again then and another replica
 * takes it over, so a delivery is sent at least once, and its id stays the same, which is what
 * lets receivers drop a repeat. Attempts are counted at the claim, so a delivery that crashes
 * its replica every time still ends DEAD.
 *
 * A failed attempt (no answer, or not 2xx) is tried again after WEBHOOK_BACKOFF_BASE_MS, doubled
 * for each attempt before it up to WEBHOOK_BACKOFF_MAX_MS, of which a random half is waited
 * (jitter, so that the deliveries to a receiver that was down do not all return at once), until
 * WEBHOOK_MAX_ATTEMPTS; then DEAD. A receiver that is down costs the hub nothing but these rows:
 * health does not look at them.
 *
 * E-mail deliveries go through the same claim, retries and log: one mail per delivery, or, for a
 * person who asked for a digest, one mail for all of that person's deliveries claimed together
 * (they fall due together, at the end of the digest period). Every HOUSEKEEPING_INTERVAL_MS the
 * worker also deletes finished deliveries older than OUTBOX_RETENTION_DAYS, PURGE_BATCH at a time,
 * and queues the notices of tasks that have become overdue.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookWorker.name);
  /** Names this replica's claims, for operators reading `claimed_by`. */
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<number> | undefined;
  private stopped = true;
  private housekeptAt = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly payloads: WebhookPayloadsService,
    private readonly metrics: MetricsService,
    private readonly notices: EmailNoticesService,
    private readonly mailer: Mailer,
    private readonly overdue: OverdueNoticesService,
  ) {
    // A digest row waiting for the end of its period is not late: it counts once it is due.
    metrics.setWebhookQueueReader(async () => {
      const [q] = await this.db.query(
        `SELECT count(*)::int AS depth, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age
           FROM outbox_deliveries WHERE status IN ('PENDING','DELIVERING') AND NOT (digest AND next_attempt_at > now())`,
      );
      return { depth: q.depth, oldestAgeSeconds: q.age };
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.webhooks.worker) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the round in flight (its deliveries are recorded, not left to the lease). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      let claimed = 0;
      try {
        this.round = this.runOnce().then(async (n) => {
          await this.housekeeping();
          return n;
        });
        claimed = await this.round;
      } catch (e) {
        // The database away: try again at the next poll, as the next request would.
        this.logger.warn(`webhook round failed: ${(e as Error).message}`);
      }
      // A full batch suggests more are due: go on at once.
      this.schedule(claimed >= this.config.webhooks.batchSize ? 0 : this.config.webhooks.pollIntervalMs);
    }, delayMs);
    this.timer.unref();
  }

  /** One round: claims the due deliveries and sends them concurrently; the number claimed. */
  async runOnce(): Promise<number> {
    const { batchSize, claimLeaseSeconds } = this.config.webhooks;
    const claimed = await rows<Claimed>(
      this.db,
      `UPDATE outbox_deliveries d
          SET status = 'DELIVERING', attempts = d.attempts + 1, claimed_by = $1,
              claimed_until = now() + make_interval(secs => $2), next_attempt_at = now() + make_interval(secs => $2)
         FROM (SELECT o.id, e.organisation_id, e.url, e.enabled, e.secret, e.previous_secret, e.previous_secret_expires_at
                 FROM outbox_deliveries o LEFT JOIN webhook_endpoints e ON e.id = o.endpoint_id
                WHERE o.status IN ('PENDING','DELIVERING') AND o.next_attempt_at <= now()
                ORDER BY o.next_attempt_at LIMIT $3 FOR UPDATE OF o SKIP LOCKED) due
        WHERE d.id = due.id
        RETURNING d.id, d.channel, d.event_type, d.incident_id, d.subject_id, d.test, d.attempts, d.created_at,
                  d.user_id, d.organisation_id AS addressed_organisation_id, d.topic, d.digest,
                  due.organisation_id, due.url, due.enabled, due.secret, due.previous_secret, due.previous_secret_expires_at`,
      [this.workerId, claimLeaseSeconds, batchSize],
    );
    // E-mail: one mail per delivery, or one per person for the digest deliveries claimed together.
    const mails = new Map<string, Claimed[]>();
    for (const d of claimed) {
      if (d.channel !== 'EMAIL') continue;
      const key = d.digest ? `digest:${d.user_id}` : d.id;
      mails.set(key, [...(mails.get(key) ?? []), d]);
    }
    await Promise.all([...claimed.filter((d) => d.channel === 'WEBHOOK').map((d) => this.traced(d)), ...[...mails.values()].map((g) => this.deliverEmail(g))]);
    return claimed.length;
  }

  /**
   * Each attempt is a trace of its own (reading the payload, the POST, recording the outcome):
   * the outbox row does not keep the trace of the change that wrote it.
   */
  private traced(d: Claimed): Promise<void> {
    const attributes = { 'hub.webhook.delivery_id': d.id, 'hub.webhook.event_type': d.event_type, 'hub.webhook.attempt': d.attempts, 'hub.organisation_id': d.organisation_id };
    return inSpan('webhook delivery', { attributes }, () => this.deliver(d));
  }

  /**
   * Deletes finished deliveries (and their log) older than OUTBOX_RETENTION_DAYS, at most
   * PURGE_BATCH; the number deleted. Delivered, dead and skipped alike: a finished delivery is
   * not sent again, and the log is for finding out why something did not arrive, recently.
   */
  async purgeOnce(): Promise<number> {
    const days = this.config.webhooks.retentionDays;
    if (days <= 0) return 0;
    const deleted = await rows<{ id: string }>(
      this.db,
      `DELETE FROM outbox_deliveries WHERE id IN (
         SELECT id FROM outbox_deliveries WHERE status IN ('DELIVERED','DEAD','SKIPPED') AND finished_at < now() - make_interval(days => $1) LIMIT $2)
       RETURNING id`,
      [days, PURGE_BATCH],
    );
    return deleted.length;
  }

  /** At most every HOUSEKEEPING_INTERVAL_MS (sooner while a purge batch comes back full). */
  private async housekeeping(): Promise<void> {
    if (Date.now() - this.housekeptAt < HOUSEKEEPING_INTERVAL_MS) return;
    const purged = await this.purgeOnce();
    if (this.mailer.enabled) await this.overdue.queueNew();
    this.housekeptAt = purged >= PURGE_BATCH ? 0 : Date.now();
  }

  private async deliverEmail(group: Claimed[]): Promise<void> {
    const { maxAttempts } = this.config.webhooks;
    if (group[0].attempts > maxAttempts) {
      await Promise.all(group.map((d) => this.finish(d, 'dead', null, 'no attempts left')));
      return;
    }
    const recipient = await this.notices.decide(group).catch((e: Error) => ({ error: `the recipient could not be read: ${e.message}`.slice(0, 500) }));
    if ('skipAll' in recipient) {
      await Promise.all(group.map((d) => this.skip(d, recipient.skipAll)));
      return;
    }
    if ('error' in recipient) {
      await Promise.all(group.map((d) => this.record(d, new Date(), { statusCode: null, error: recipient.error, durationMs: 0 }, false)));
      return;
    }
    const byId = new Map(group.map((d) => [d.id, d]));
    const sending: Claimed[] = [];
    const notices = [];
    for (const x of recipient.decisions) {
      const d = byId.get(x.id)!;
      if ('skip' in x) await this.skip(d, x.skip);
      else if ('error' in x) await this.record(d, new Date(), { statusCode: null, error: x.error, durationMs: 0 }, false);
      else {
        sending.push(d);
        notices.push(x.notice);
      }
    }
    if (!sending.length) return;
    const started = new Date();
    const outcome = await this.mailer.send(recipient.email, composeMail(notices, recipient.language, this.config.email.publicUrl));
    await Promise.all(sending.map((d) => this.record(d, started, outcome, outcome.ok)));
  }

  private async deliver(d: Claimed): Promise<void> {
    const { maxAttempts, timeoutMs, allowPrivateAddresses } = this.config.webhooks;
    if (!d.enabled) return this.skip(d, 'endpoint disabled');
    if (d.attempts > maxAttempts) return this.finish(d, 'dead', null, 'no attempts left');
    let data: object | null;
    try {
      data = d.test ? { message: 'A test event from the Samverkan hub (sendTestWebhook).' } : await this.payloads.read(d.organisation_id, d.event_type, d.subject_id, d.id);
    } catch (e) {
      return this.record(d, new Date(), { statusCode: null, error: `the event could not be read: ${(e as Error).message}`.slice(0, 500), durationMs: 0 }, false);
    }
    if (!data) return this.skip(d, 'not readable by the organisation');

    const body = JSON.stringify({ deliveryId: d.id, type: d.event_type, test: d.test, occurredAt: d.created_at, incidentId: d.incident_id, data });
    const secrets = [d.secret];
    if (d.previous_secret && d.previous_secret_expires_at && d.previous_secret_expires_at > new Date()) secrets.push(d.previous_secret);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, body),
      [DELIVERY_HEADER]: d.id,
      [EVENT_HEADER]: d.event_type,
    };
    const started = new Date();
    const outcome = await sendWebhook(d.url, headers, body, { timeoutMs, allowPrivate: allowPrivateAddresses });
    await this.record(d, started, outcome, outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300);
  }

  /** Logs the attempt and moves the delivery on: DELIVERED, PENDING again after a backoff, or DEAD. */
  private async record(d: Claimed, started: Date, o: SendOutcome, ok: boolean): Promise<void> {
    await this.db.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (delivery_id, attempt) DO NOTHING`,
      [d.id, d.attempts, started, o.durationMs, o.statusCode, o.error],
    );
    if (ok) return this.finish(d, 'delivered', o.statusCode, null);
    if (d.attempts >= this.config.webhooks.maxAttempts) return this.finish(d, 'dead', o.statusCode, o.error);
    const { backoffBaseMs, backoffMaxMs } = this.config.webhooks;
    const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (d.attempts - 1));
    const waitMs = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    await this.db.query(
      `UPDATE outbox_deliveries SET status = 'PENDING', next_attempt_at = now() + make_interval(secs => $3::double precision / 1000),
              claimed_by = NULL, claimed_until = NULL, last_status_code = $4, last_error = $5
        WHERE id = $1 AND claimed_by = $2 AND status = 'DELIVERING'`,
      [d.id, this.workerId, waitMs, o.statusCode, o.error],
    );
    this.metrics.recordWebhookDelivery('failed');
  }

  private async skip(d: Claimed, why: string): Promise<void> {
    await this.finish(d, 'skipped', null, why);
  }

  /**
   * Only while this replica's claim holds: if the lease ran out and another replica took the
   * delivery over, that one records the outcome of its own attempt.
   */
  private async finish(d: Claimed, outcome: Exclude<DeliveryOutcome, 'failed'>, statusCode: number | null, error: string | null): Promise<void> {
    const status = { delivered: 'DELIVERED', dead: 'DEAD', skipped: 'SKIPPED' }[outcome];
    await this.db.query(
      `UPDATE outbox_deliveries SET status = $3, finished_at = now(), claimed_by = NULL, claimed_until = NULL, last_status_code = $4, last_error = $5
        WHERE id = $1 AND claimed_by = $2 AND status = 'DELIVERING'`,
      [d.id, this.workerId, status, statusCode, error],
    );
    this.metrics.recordWebhookDelivery(outcome);
    if (outcome === 'dead') this.logger.warn({ deliveryId: d.id, channel: d.channel, attempts: d.attempts, error }, 'delivery is dead');
  }
}
