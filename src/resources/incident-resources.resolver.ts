import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { Role } from '../common/auth/roles.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Incident } from '../incidents/models/incident.model.js';
import { OperationalPicture } from '../incidents/models/operational-picture.model.js';
import { IncidentResourceRequestsArgs } from './dto/resource.args.js';
import { ResourceRequest, ResourceRequestConnection } from './models/resource-request.model.js';
import { ResourceRequestsService } from './resource-requests.service.js';

/** Incident.resourceRequests lives with the resources; the parent incident is one the caller sees. */
@Resolver(() => Incident)
export class IncidentResourceRequestsResolver {
  constructor(private readonly requests: ResourceRequestsService) {}

  @ResolveField(() => ResourceRequestConnection)
  @Allow(Role.VIEWER)
  resourceRequests(@Ctx() ctx: RequestContext, @Parent() incident: Incident, @Args() args: IncidentResourceRequestsArgs) {
    return this.requests.listForIncident(ctx, incident.id, args);
  }
}

/** The picture's open requests: OPEN and PARTIALLY_FILLED, most urgent first. */
@Resolver(() => OperationalPicture)
export class PictureResourceRequestsResolver {
  constructor(private readonly requests: ResourceRequestsService) {}

  @ResolveField(() => [ResourceRequest])
  @Allow(Role.VIEWER)
  openResourceRequests(@Ctx() ctx: RequestContext, @Parent() picture: OperationalPicture) {
    return this.requests.openForPicture(picture.incidentId, picture.stamps);
  }
}
