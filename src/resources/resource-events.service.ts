import { Injectable } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
import { Permission } from '../common/access/permission.js';
import type { Tx } from '../database/transaction.service.js';
import { EventBus } from '../common/events/event-bus.service.js';
import { NotificationTopic, NotificationType } from '../common/notifications/outbox-sink.js';
import { selectEvents } from '../common/events/select-events.js';
import type { RequestContext } from '../common/request/request-context.js';
import { ResourceLoan, type ResourceLoanRow } from './models/resource-loan.model.js';
import { ResourceRequest, type ResourceRequestRow } from './models/resource-request.model.js';
import type { ResourceEventFacts } from './resources.access.js';

export const REQUEST_CHANGED = 'resources.requestChanged';
export const LOAN_CHANGED = 'resources.loanChanged';

interface Event<Row> extends ResourceEventFacts {
  incidentId: string;
  row: Row;
}

/**
 * Subscription events of requests and loans. Published after commit only (never for a
 * rolled-back change), with the row as it was committed, as plain JSON (it may cross Redis).
 * Each subscriber receives only what `resourceRequest(id)` would show it: the read rule of
 * resources.access.ts, decided from the incident's participants that the event carries (read
 * under the incident's share lock by the publishing transaction), without a statement.
 */
@Injectable()
export class ResourceEventsService {
  constructor(
    private readonly bus: EventBus,
    private readonly access: AccessService,
  ) {}

  /**
   * `incident`: the facts of the request's incident, as lockIncident read them in `tx`;
   * `holders`: for a new request, the organisations holding its type (e-mailed when they asked).
   */
  requestChanged(tx: Tx, row: ResourceRequestRow, incident: ResourceEventFacts, holders: readonly string[] = []): void {
    const event: Event<ResourceRequestRow> = { incidentId: row.incident_id, participantOrganisationIds: incident.participantOrganisationIds, row: toJson(row) };
    tx.onCommit(() => this.bus.publish(REQUEST_CHANGED, event));
    const addressed = holders.length ? [{ topic: NotificationTopic.MATCHING_RESOURCE_REQUEST, organisationIds: holders }] as const : undefined;
    tx.notify({ type: NotificationType.RESOURCE_REQUEST_CHANGED, incidentId: row.incident_id, subjectId: row.id, addressed });
  }

  loanChanged(tx: Tx, row: ResourceLoanRow, incident: ResourceEventFacts): void {
    const event: Event<ResourceLoanRow> = { incidentId: row.incident_id, participantOrganisationIds: incident.participantOrganisationIds, row: toJson(row) };
    tx.onCommit(() => this.bus.publish(LOAN_CHANGED, event));
  }

  /** `incidentId` has already been checked visible by the caller when given. */
  subscribeRequests(ctx: RequestContext, incidentId: string | undefined) {
    return this.select<ResourceRequestRow, ResourceRequest>(ctx, 'resourceRequestChanged', REQUEST_CHANGED, Permission.RequestRead, incidentId, ResourceRequest.fromRow);
  }

  subscribeLoans(ctx: RequestContext, incidentId: string | undefined) {
    return this.select<ResourceLoanRow, ResourceLoan>(ctx, 'resourceLoanChanged', LOAN_CHANGED, Permission.LoanRead, incidentId, ResourceLoan.fromRow);
  }

  /**
   * Each event carries the participants of its own commit, so a subscription follows
   * participation as it changes; the one pipeline (selectEvents) does the rest.
   */
  private select<Row, Value>(ctx: RequestContext, field: string, topic: string, read: Permission, incidentId: string | undefined, toValue: (row: Row) => Value) {
    const principal = ctx.who;
    return selectEvents(ctx, field, this.bus.asyncIterator<Event<Row>>(topic), async (e) =>
      (!incidentId || e.incidentId === incidentId) && this.access.allowsByFacts<ResourceEventFacts>(principal, read, e) ? toValue(e.row) : undefined,
    );
  }
}

/** Dates as ISO strings, the same in-process as through Redis. */
function toJson<T>(row: T): T {
  return JSON.parse(JSON.stringify(row)) as T;
}
