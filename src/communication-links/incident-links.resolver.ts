import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { Role } from '../common/auth/roles.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Incident } from '../incidents/models/incident.model.js';
import { OperationalPicture } from '../incidents/models/operational-picture.model.js';
import { CommunicationLinksService } from './communication-links.service.js';
import { CommunicationLinksArgs } from './dto/communication-link.inputs.js';
import { CommunicationLink } from './models/communication-link.model.js';

/** `Incident.communicationLinks` lives with the links, so that incidents need not know them. */
@Resolver(() => Incident)
export class IncidentCommunicationLinksResolver {
  constructor(private readonly links: CommunicationLinksService) {}

  @ResolveField(() => [CommunicationLink], { description: 'The incident\'s links, oldest first; all statuses unless filtered.' })
  @Allow(Role.VIEWER)
  communicationLinks(@Ctx() ctx: RequestContext, @Parent() incident: Incident, @Args() args: CommunicationLinksArgs) {
    return this.links.forIncident(ctx, incident.id, args.status);
  }
}

/** The picture's active links: the plan in effect. */
@Resolver(() => OperationalPicture)
export class OperationalPictureLinksResolver {
  constructor(private readonly links: CommunicationLinksService) {}

  @ResolveField(() => [CommunicationLink])
  @Allow(Role.VIEWER)
  activeCommunicationLinks(@Ctx() ctx: RequestContext, @Parent() picture: OperationalPicture) {
    return this.links.activeForPicture(ctx, picture.incidentId, picture.stamps);
  }
}
