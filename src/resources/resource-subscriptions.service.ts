import { Injectable } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
import { Permission } from '../common/access/permission.js';
import type { RequestContext } from '../common/request/request-context.js';
import { ResourceEventsService } from './resource-events.service.js';

/** Subscribing: an incident the caller may not see is NOT_FOUND here too, before any event flows. */
@Injectable()
export class ResourceSubscriptionsService {
  constructor(
    private readonly access: AccessService,
    private readonly events: ResourceEventsService,
  ) {}

  async requests(ctx: RequestContext, incidentId?: string) {
    if (incidentId) await this.access.requireAccess(ctx, Permission.IncidentRead, incidentId);
    return this.events.subscribeRequests(ctx, incidentId);
  }

  async loans(ctx: RequestContext, incidentId?: string) {
    if (incidentId) await this.access.requireAccess(ctx, Permission.IncidentRead, incidentId);
    return this.events.subscribeLoans(ctx, incidentId);
  }
}
