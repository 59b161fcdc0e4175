import { registerEnumType } from '@nestjs/graphql';
import type { EntityManager } from 'typeorm';

/**
 * What a partner system can be told about: one value per subscription event (and the staff
 * log's). Named here, on the ground floor, because the features that cause the events name them
 * (`tx.notify`), and the notifications feature, which delivers them, sits above those features.
 */
export enum NotificationType {
  INCIDENT_CHANGED = 'INCIDENT_CHANGED',
  SITUATION_REPORT_SUBMITTED = 'SITUATION_REPORT_SUBMITTED',
  RESOURCE_REQUEST_CHANGED = 'RESOURCE_REQUEST_CHANGED',
  COMMUNICATION_LINK_CHANGED = 'COMMUNICATION_LINK_CHANGED',
  LOG_ENTRY_CHANGED = 'LOG_ENTRY_CHANGED',
}

registerEnumType(NotificationType, {
  name: 'WebhookEventType',
  description: 'The events a webhook endpoint can receive; each is what the matching subscription delivers.',
  valuesMap: {
    INCIDENT_CHANGED: { description: 'As `incidentChanged`: the incident.' },
    SITUATION_REPORT_SUBMITTED: { description: 'As `situationReportSubmitted`: the report.' },
    RESOURCE_REQUEST_CHANGED: { description: 'As `resourceRequestChanged`: the request.' },
    COMMUNICATION_LINK_CHANGED: { description: 'As `communicationLinkChanged`: the link.' },
    LOG_ENTRY_CHANGED: { description: 'A staff log entry written or followed up: the entry.' },
  },
});

/**
 * A committed change that endpoints may be told about: only ids. What each receiving
 * organisation gets is read, and checked against its access, when the delivery is sent.
 */
export interface OutboxEvent {
  type: NotificationType;
  incidentId: string;
  subjectId: string;
}

/**
 * Where a transaction's notifications go, inside that transaction (the transactional outbox):
 * they commit with the change or not at all. The notifications feature provides it, so that
 * `database/` does not depend on the floor that stores and sends them (as with AuditSink).
 */
export abstract class OutboxSink {
  abstract enqueue(m: EntityManager, events: readonly OutboxEvent[]): Promise<void>;
}
