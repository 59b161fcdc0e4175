import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationTopic, OutboxSink, type OutboxEvent } from '../common/notifications/outbox-sink.js';
import { AppConfig } from '../config/app-config.js';
import { incidentVisibleSql } from '../incidents/incidents.access.js';

/**
 * When an e-mail of a person with this digest setting is due: at once, or at the end of the
 * current digest period. Periods are aligned on the epoch, so every event of one period gets the
 * same time, and the worker sends them in one mail.
 */
export function emailDueSql(digestHours: string): string {
  return `CASE WHEN ${digestHours} IS NULL THEN clock_timestamp()
               ELSE date_bin(make_interval(hours => ${digestHours}), clock_timestamp(), timestamptz 'epoch') + make_interval(hours => ${digestHours}) END`;
}

/**
 * The transactional outbox: TransactionService hands it a mutation's notifications just before
 * commit, and it writes one delivery per interested endpoint and per interested person in that
 * same transaction, so a delivery exists exactly when its change committed. One statement for
 * all of a mutation's events and both channels.
 *
 * An endpoint is interested when it is enabled, asked for the event's type, has no incident
 * filter or this incident's, and its organisation takes part in the incident (as the statement
 * sees it, this transaction's own writes included). That last check only saves rows for
 * deliveries that could never be sent: endpoints act for an organisation, which sees only the
 * incidents it takes part in. Whether the organisation may read the record itself (a RESTRICTED
 * report, an INTERNAL log entry) is decided when the delivery is sent, by the access rules.
 *
 * A person (e-mail, when SMTP_URL is set) is interested when they are active, their organisation
 * takes part in the incident, and they asked for a topic the event is addressed to their
 * organisation for: ORGANISATION_EVENTS for every event, the specific topics for the
 * organisations the feature named (`addressed`). One row per person and event, under its most
 * specific topic; a digest row waits until the end of the person's digest period (periods are
 * aligned on the epoch, so every event of one period has the same time and goes in one mail).
 * What the person is sent, and whether they may still read it, is decided when it is sent.
 */
@Injectable()
export class OutboxService implements OutboxSink, OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxService.name);

  constructor(private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (!this.emailOn) this.logger.log('SMTP_URL is not set: e-mail notifications are off (preferences are kept, nothing is queued or sent)');
  }

  get emailOn(): boolean {
    return !!this.config.email.url;
  }

  async enqueue(m: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
    const params: unknown[] = [events.map((e) => e.type), events.map((e) => e.incidentId), events.map((e) => e.subjectId), events.map((e) => !!e.addressedOnly)];
    const hooks = `INSERT INTO outbox_deliveries (endpoint_id, event_type, incident_id, subject_id)
       SELECT e.id, ev.type, ev.incident_id, ev.subject_id
         FROM ev JOIN webhook_endpoints e ON e.enabled AND e.event_types @> ARRAY[ev.type] AND (e.incident_id IS NULL OR e.incident_id = ev.incident_id)
        WHERE NOT ev.addressed_only AND ${incidentVisibleSql('ev.incident_id', 'e.organisation_id', 'false')}`;
    const ev = `ev AS (SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::boolean[]) WITH ORDINALITY AS ev(type, incident_id, subject_id, addressed_only, n))`;
    if (!this.emailOn) {
      await m.query(`WITH ${ev} ${hooks}`, params);
      return;
    }
    const addressed = events.flatMap((e, i) => (e.addressed ?? []).flatMap((a) => a.organisationIds.map((o) => [i + 1, a.topic, o] as const)));
    params.push(
      addressed.map((a) => a[0]),
      addressed.map((a) => a[1]),
      addressed.map((a) => a[2]),
    );
    await m.query(
      `WITH ${ev}, hooks AS (${hooks})
       INSERT INTO outbox_deliveries (channel, user_id, organisation_id, topic, digest, event_type, incident_id, subject_id, next_attempt_at)
       SELECT DISTINCT ON (p.user_id, c.n) 'EMAIL', p.user_id, u.organisation_id, c.topic, p.digest_hours IS NOT NULL, c.type, c.incident_id, c.subject_id,
              ${emailDueSql('p.digest_hours')}
         FROM (SELECT ev.*, a.topic, a.organisation_id
                 FROM ev JOIN unnest($5::int[], $6::text[], $7::uuid[]) AS a(n, topic, organisation_id) ON a.n = ev.n
               UNION ALL
               SELECT ev.*, '${NotificationTopic.ORGANISATION_EVENTS}', NULL FROM ev WHERE NOT ev.addressed_only) c
         JOIN notification_preferences p ON p.topics @> ARRAY[c.topic]
         JOIN users u ON u.id = p.user_id AND u.active AND (c.organisation_id IS NULL OR u.organisation_id = c.organisation_id)
        WHERE ${incidentVisibleSql('c.incident_id', 'u.organisation_id', 'false')}
        ORDER BY p.user_id, c.n, c.topic = '${NotificationTopic.ORGANISATION_EVENTS}'`,
      params,
    );
  }
}
