import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Role } from '../common/auth/roles.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { IncidentParticipant } from './models/incident.model.js';
import { ParticipantStatus } from './models/operational-picture.model.js';

/** `organisation` of an incident's participants and of the picture's lines, through the per-request organisation loader. */
@Resolver(() => IncidentParticipant)
export class IncidentParticipantResolver {
  constructor(private readonly organisations: OrganisationsService) {}

  @ResolveField(() => Organisation)

  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() parent: IncidentParticipant) {
    return this.organisations.require(ctx, parent.organisationId);
  }
}

@Resolver(() => ParticipantStatus)
export class ParticipantStatusResolver {
  constructor(private readonly organisations: OrganisationsService) {}

  @ResolveField(() => Organisation)

  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() parent: ParticipantStatus) {
    return this.organisations.require(ctx, parent.organisationId);
  }
}
