import { Injectable } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
import { Permission } from '../common/access/permission.js';
import type { Tx } from '../database/transaction.service.js';
import { EventBus } from '../common/events/event-bus.service.js';
import { sharedEventLoaders } from '../common/events/per-event.js';
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

  /** `incident`: the facts of the request's incident, as lockIncident read them in `tx`. */
  requestChanged(tx: Tx, row: ResourceRequestRow, incident: ResourceEventFacts): void {
    const event: Event<ResourceRequestRow> = { incidentId: row.incident_id, participantOrganisationIds: incident.participantOrganisationIds, row: toJson(row) };
    tx.onCommit(() => this.bus.publish(REQUEST_CHANGED, event));
  }

  loanChanged(tx: Tx, row: ResourceLoanRow, incident: ResourceEventFacts): void {
    const event: Event<ResourceLoanRow> = { incidentId: row.incident_id, participantOrganisationIds: incident.participantOrganisationIds, row: toJson(row) };
    tx.onCommit(() => this.bus.publish(LOAN_CHANGED, event));
  }

  /** `incidentId` has already been checked visible by the caller when given. */
  subscribeRequests(ctx: RequestContext, incidentId: string | undefined): AsyncIterableIterator<{ resourceRequestChanged: ResourceRequest }> {
    return this.filtered<ResourceRequestRow, { resourceRequestChanged: ResourceRequest }>(ctx, REQUEST_CHANGED, Permission.RequestRead, incidentId, (row) => ({
      resourceRequestChanged: ResourceRequest.fromRow(row),
    }));
  }

  subscribeLoans(ctx: RequestContext, incidentId: string | undefined): AsyncIterableIterator<{ resourceLoanChanged: ResourceLoan }> {
    return this.filtered<ResourceLoanRow, { resourceLoanChanged: ResourceLoan }>(ctx, LOAN_CHANGED, Permission.LoanRead, incidentId, (row) => ({
      resourceLoanChanged: ResourceLoan.fromRow(row),
    }));
  }

  private filtered<Row, Out>(
    ctx: RequestContext,
    topic: string,
    read: Permission,
    incidentId: string | undefined,
    toPayload: (row: Row) => Out,
  ): AsyncIterableIterator<Out> {
    const source = this.bus.asyncIterator<Event<Row>>(topic);
    const principal = ctx.who;
    // Each event carries the participants of its own commit, so a subscription follows
    // participation as it changes.
    const visible = (e: Event<Row>): boolean =>
      (!incidentId || e.incidentId === incidentId) && this.access.allowsByFacts<ResourceEventFacts>(principal, read, e);
    const iterator: AsyncIterableIterator<Out> = {
      async next(): Promise<IteratorResult<Out>> {
        for (;;) {
          const r = await source.next();
          if (r.done) return { done: true, value: undefined };
          if (visible(r.value)) {
            // The subscription's context lives as long as the socket: its loaders must not
            // answer this event's nested fields from an earlier event's cache. Fresh per event,
            // shared with the event's other subscribers of the same viewer class.
            ctx.useLoaders(sharedEventLoaders(r.value, principal));
            return { done: false, value: toPayload(r.value.row) };
          }
        }
      },
      async return(): Promise<IteratorResult<Out>> {
        await source.return?.();
        return { done: true, value: undefined };
      },
      async throw(e?: unknown): Promise<IteratorResult<Out>> {
        await source.return?.();
        throw e;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}

/** Dates as ISO strings, the same in-process as through Redis. */
function toJson<T>(row: T): T {
  return JSON.parse(JSON.stringify(row)) as T;
}
