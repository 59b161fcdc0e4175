import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';
import { NotFoundError } from '../common/errors/domain-errors.js';
import { NotificationType } from '../common/notifications/outbox-sink.js';
import { RequestContext } from '../common/request/request-context.js';
import { CommunicationLinksService } from '../communication-links/communication-links.service.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { SituationReportsService } from '../incidents/situation-reports.service.js';
import { ResourceRequestsService } from '../resources/resource-requests.service.js';
import { LogEntriesService } from '../staff-log/log-entries.service.js';

/**
 * What an endpoint's organisation is sent about an event: the record as its own query
 * (`situationReport(id)`, `incident(id)`…) would return it to that organisation now, through the
 * owning feature's service and so through the same access rules, or nothing when the
 * organisation may not read it (a RESTRICTED report not addressed to it, an INTERNAL log entry
 * of another organisation, an incident it no longer takes part in). Read at delivery time, not
 * when the event happened: what the organisation may read then is what decides.
 *
 * The organisation reads as its API keys do: an organisation-level principal with no user (so
 * never ADMIN's or COORDINATOR's view, even for the hub's own organisation). The record goes out
 * as the service's model: the GraphQL type's scalar fields and the ids of what it refers to.
 */
@Injectable()
export class WebhookPayloadsService {
  private readonly readers: Record<NotificationType, (ctx: RequestContext, id: string) => Promise<object>>;

  constructor(incidents: IncidentsService, reports: SituationReportsService, requests: ResourceRequestsService, links: CommunicationLinksService, log: LogEntriesService) {
    this.readers = {
      [NotificationType.INCIDENT_CHANGED]: (ctx, id) => incidents.findVisible(ctx, id),
      [NotificationType.SITUATION_REPORT_SUBMITTED]: (ctx, id) => reports.findReadable(ctx, id),
      [NotificationType.RESOURCE_REQUEST_CHANGED]: (ctx, id) => requests.findVisible(ctx, id),
      [NotificationType.COMMUNICATION_LINK_CHANGED]: (ctx, id) => links.findVisible(ctx, id),
      [NotificationType.LOG_ENTRY_CHANGED]: (ctx, id) => log.findReadable(ctx, id),
    };
  }

  /** The record for `organisationId`, or null when it may not read it (or it is gone). */
  read(organisationId: string, type: NotificationType, subjectId: string, deliveryId: string): Promise<object | null> {
    return this.readAs(organisationPrincipal(organisationId), type, subjectId, `webhook-${deliveryId}`);
  }

  /** The incident's reference and title as `principal` reads them now, or null when it may not. */
  async incidentAs(principal: Principal, incidentId: string, requestId: string): Promise<{ reference: string; title: string } | null> {
    return (await this.readAs(principal, NotificationType.INCIDENT_CHANGED, incidentId, requestId)) as { reference: string; title: string } | null;
  }

  /** The record as `principal` (an e-mail's recipient) would read it now, or null when it may not. */
  async readAs(principal: Principal, type: NotificationType, subjectId: string, requestId: string): Promise<object | null> {
    const ctx = new RequestContext(requestId, null);
    ctx.principal = principal;
    try {
      return await this.readers[type](ctx, subjectId);
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
  }
}

/** An organisation acting through no user: what its API keys are, without the scopes (users and API keys alike read nothing more). */
export function organisationPrincipal(organisationId: string): Principal {
  return { kind: 'apiKey', userId: null, apiKeyId: null, organisationId, role: Role.LIAISON_OFFICER, scopes: null };
}
