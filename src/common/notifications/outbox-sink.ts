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
 * What a person can ask to be e-mailed about (notification preferences). The features that cause
 * an event say which organisations it is addressed to for the specific topics; ORGANISATION_EVENTS
 * is every event of an incident the user's organisation takes part in.
 */
export enum NotificationTopic {
  ORGANISATION_EVENTS = 'ORGANISATION_EVENTS',
  TASK_ASSIGNED = 'TASK_ASSIGNED',
  TASK_OVERDUE = 'TASK_OVERDUE',
  RESTRICTED_REPORT = 'RESTRICTED_REPORT',
  MATCHING_RESOURCE_REQUEST = 'MATCHING_RESOURCE_REQUEST',
}

registerEnumType(NotificationTopic, {
  name: 'NotificationTopic',
  description: 'What a user may ask to be e-mailed about.',
  valuesMap: {
    ORGANISATION_EVENTS: { description: 'Every event (as the webhooks have them) in the incidents the own organisation takes part in.' },
    TASK_ASSIGNED: { description: 'A staff log task (NEED, QUESTION, ACTION) made the own organisation’s responsibility.' },
    TASK_OVERDUE: { description: 'A task the own organisation answers for passed its due time while still open.' },
    RESTRICTED_REPORT: { description: 'A RESTRICTED situation report addressed to the own organisation.' },
    MATCHING_RESOURCE_REQUEST: { description: 'A new resource request for a type of resource the own organisation holds.' },
  },
});

/** The organisations an event is addressed to for a specific topic. */
export interface AddressedTo {
  topic: Exclude<NotificationTopic, NotificationTopic.ORGANISATION_EVENTS>;
  organisationIds: readonly string[];
}

/**
 * A committed change that endpoints and people may be told about: only ids. What each receiving
 * organisation or person gets is read, and checked against its access, when the delivery is sent.
 */
export interface OutboxEvent {
  type: NotificationType;
  incidentId: string;
  subjectId: string;
  /** Who is told about it for the specific topics (the organisation-wide topic and webhooks need nothing here). */
  addressed?: readonly AddressedTo[];
  /** A notice that is no change (an overdue task): only the `addressed` people, no webhook, no ORGANISATION_EVENTS. */
  addressedOnly?: boolean;
}

/**
 * Where a transaction's notifications go, inside that transaction (the transactional outbox):
 * they commit with the change or not at all. The notifications feature provides it, so that
 * `database/` does not depend on the floor that stores and sends them (as with AuditSink).
 */
export abstract class OutboxSink {
  abstract enqueue(m: EntityManager, events: readonly OutboxEvent[]): Promise<void>;
}
