import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';
import { NotificationType } from '../../common/notifications/outbox-sink.js';

/**
 * A delivery's state. SKIPPED (the receiving organisation could not read the event when it was
 * to be sent, or the endpoint was disabled) is kept for the workers only: the log does not show
 * it, as it would tell the organisation that something it may not see happened.
 */
export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERING = 'DELIVERING',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesMap: {
    PENDING: { description: 'Waiting for its next attempt.' },
    DELIVERING: { description: 'Being sent by a replica now.' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    DEAD: { description: 'Every attempt failed; no more are made.' },
  },
});

export interface WebhookDeliveryRow {
  id: string;
  endpoint_id: string;
  event_type: NotificationType;
  incident_id: string | null;
  subject_id: string | null;
  test: boolean;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export const DELIVERY_COLUMNS =
  'id, endpoint_id, event_type, incident_id, subject_id, test, status, attempts, next_attempt_at, last_status_code, last_error, created_at, finished_at';

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

@RequiresScope(ApiScope.WEBHOOKS_MANAGE)
@ObjectType({ description: 'One request sent for a delivery.' })
export class WebhookDeliveryAttempt {
  @Field(() => Int)
  attempt: number;

  @Field()
  startedAt: Date;

  @Field(() => Int)
  durationMs: number;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status; none when it could not be reached." })
  statusCode: number | null;

  @Field(() => String, { nullable: true })
  error: string | null;

  static fromRow(r: AttemptRow): WebhookDeliveryAttempt {
    return Object.assign(new WebhookDeliveryAttempt(), { attempt: r.attempt, startedAt: r.started_at, durationMs: r.duration_ms, statusCode: r.status_code, error: r.error });
  }
}

@RequiresScope(ApiScope.WEBHOOKS_MANAGE)
@ObjectType({ description: 'One event for one endpoint. Its id is the `deliveryId` of every request sent for it, retries included.' })
export class WebhookDelivery {
  @Field(() => ID)
  id: string;

  endpointId: string;

  @Field(() => NotificationType)
  eventType: NotificationType;

  @Field(() => ID, { nullable: true, description: 'None for a test event.' })
  incidentId: string | null;

  @Field(() => ID, { nullable: true, description: 'The record the event is about (the report, the request…); none for a test event.' })
  subjectId: string | null;

  @Field({ description: 'Sent by sendTestWebhook.' })
  test: boolean;

  @Field(() => WebhookDeliveryStatus)
  status: WebhookDeliveryStatus;

  @Field(() => Int)
  attempts: number;

  @Field(() => Date, { nullable: true, description: 'While PENDING: when it is next tried.' })
  nextAttemptAt: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  static fromRow(r: WebhookDeliveryRow): WebhookDelivery {
    return Object.assign(new WebhookDelivery(), {
      id: r.id,
      endpointId: r.endpoint_id,
      eventType: r.event_type,
      incidentId: r.incident_id,
      subjectId: r.subject_id,
      test: r.test,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === WebhookDeliveryStatus.PENDING ? r.next_attempt_at : null,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    });
  }
}
