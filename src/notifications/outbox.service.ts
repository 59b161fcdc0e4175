import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxSink, type OutboxEvent } from '../common/notifications/outbox-sink.js';
import { incidentVisibleSql } from '../incidents/incidents.access.js';

/**
 * The transactional outbox: TransactionService hands it a mutation's notifications just before
 * commit, and it writes one delivery per interested endpoint in that same transaction, so a
 * delivery exists exactly when its change committed. One statement for all of a mutation's
 * events; nothing is read but the endpoints.
 *
 * An endpoint is interested when it is enabled, asked for the event's type, has no incident
 * filter or this incident's, and its organisation takes part in the incident (as the statement
 * sees it, this transaction's own writes included). That last check only saves rows for
 * deliveries that could never be sent: endpoints act for an organisation, which sees only the
 * incidents it takes part in. Whether the organisation may read the record itself (a RESTRICTED
 * report, an INTERNAL log entry) is decided when the delivery is sent, by the access rules.
 */
@Injectable()
export class OutboxService implements OutboxSink {
  async enqueue(m: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
    await m.query(
      `INSERT INTO outbox_deliveries (endpoint_id, event_type, incident_id, subject_id)
       SELECT e.id, ev.type, ev.incident_id, ev.subject_id
         FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS ev(type, incident_id, subject_id)
         JOIN webhook_endpoints e ON e.enabled AND e.event_types @> ARRAY[ev.type] AND (e.incident_id IS NULL OR e.incident_id = ev.incident_id)
        WHERE ${incidentVisibleSql('ev.incident_id', 'e.organisation_id', 'false')}`,
      [events.map((e) => e.type), events.map((e) => e.incidentId), events.map((e) => e.subjectId)],
    );
  }
}
