import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_LABELS = 500;

/**
 * Prometheus metrics of one hub process. Each application gets its own registry, so that
 * several instances in one process (the tests) do not collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly seenOperations = new Set<string>();

  private readonly requests = new Counter({
    name: 'hub_graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly duration = new Histogram({
    name: 'hub_graphql_request_duration_seconds',
    help: 'GraphQL request duration by operation name',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly pictureCache = new Counter({
    name: 'hub_operational_picture_cache_total',
    help: 'Operational pictures served from the cache (hit) or read from the database (miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private readonly webhookDeliveries = new Counter({
    name: 'hub_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, failed (to be retried), dead (no attempts left), skipped (not readable by the receiver)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Reads the outbox when scraped (shared by all replicas: every replica reports the same queue). */
  private webhookQueueReader: (() => Promise<{ depth: number; oldestAgeSeconds: number }>) | undefined;
  private webhookQueue: { depth: number; oldestAgeSeconds: number } | undefined;
  /** One read per scrape, shared by both gauges (a scrape collects them concurrently). */
  private webhookQueueRead: Promise<void> | undefined;

  private readonly webhookQueueDepth = this.webhookQueueGauge('hub_webhook_queue_depth', 'Webhook deliveries waiting to be sent (pending or being sent)', (q) => q.depth);

  private readonly webhookOldestAge = this.webhookQueueGauge(
    'hub_webhook_oldest_pending_age_seconds',
    'Age of the oldest webhook delivery not yet sent (0 when none waits)',
    (q) => q.oldestAgeSeconds,
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
  }

  /** A gauge of the webhook queue: `value` of the one read per scrape that all such gauges share. */
  private webhookQueueGauge(name: string, help: string, value: (q: { depth: number; oldestAgeSeconds: number }) => number): Gauge {
    const gauge: Gauge = new Gauge({
      name,
      help,
      registers: [this.registry],
      collect: async () => {
        await this.readWebhookQueue();
        if (this.webhookQueue) gauge.set(value(this.webhookQueue));
      },
    });
    return gauge;
  }

  recordGraphqlRequest(operationName: string | undefined | null, type: string, outcome: 'ok' | 'error', seconds: number): void {
    const operation = this.label(operationName);
    this.requests.inc({ operation, type, outcome });
    this.duration.observe({ operation, type }, seconds);
  }

  recordPictureCache(hit: boolean): void {
    this.pictureCache.inc({ result: hit ? 'hit' : 'miss' });
  }

  recordWebhookDelivery(outcome: 'delivered' | 'failed' | 'dead' | 'skipped'): void {
    this.webhookDeliveries.inc({ outcome });
  }

  /** The notifications feature says how to read its queue; until then the gauges stay empty. */
  setWebhookQueueReader(read: () => Promise<{ depth: number; oldestAgeSeconds: number }>): void {
    this.webhookQueueReader = read;
  }

  /** A scrape while the database is away shows the last values read rather than failing. */
  private readWebhookQueue(): Promise<void> {
    const reader = this.webhookQueueReader;
    if (!reader) return Promise.resolve();
    this.webhookQueueRead ??= reader()
      .then(
        (q) => {
          this.webhookQueue = q;
        },
        () => undefined,
      )
      .finally(() => {
        this.webhookQueueRead = undefined;
      });
    return this.webhookQueueRead;
  }

  /** Operation names come from clients: keep the label set bounded. */
  private label(name: string | undefined | null): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'invalid';
    if (this.seenOperations.has(name)) return name;
    if (this.seenOperations.size >= MAX_OPERATION_LABELS) return 'other';
    this.seenOperations.add(name);
    return name;
  }
}
