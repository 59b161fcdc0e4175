import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Incident } from '../incidents/models/incident.model.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { CommunicationLinksService } from './communication-links.service.js';
import { ProposeCommunicationLinkInput, RespondToCommunicationLinkInput } from './dto/communication-link.inputs.js';
import { CommunicationLink, CommunicationLinkParticipant } from './models/communication-link.model.js';

@Resolver(() => CommunicationLink)
export class CommunicationLinksResolver {
  constructor(
    private readonly links: CommunicationLinksService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => CommunicationLink, { nullable: true })
  @Allow(Role.VIEWER, { scope: ApiScope.LINKS_READ })
  communicationLink(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.links.findVisible(ctx, id);
  }

  @Mutation(() => CommunicationLink)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.LINKS_WRITE })
  proposeCommunicationLink(@Ctx() ctx: RequestContext, @Args('input') input: ProposeCommunicationLinkInput) {
    return this.links.propose(ctx, input);
  }

  @Mutation(() => CommunicationLink)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.LINKS_WRITE })
  respondToCommunicationLink(@Ctx() ctx: RequestContext, @Args('input') input: RespondToCommunicationLinkInput) {
    return this.links.respond(ctx, input);
  }

  @Mutation(() => CommunicationLink)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.LINKS_WRITE })
  closeCommunicationLink(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.links.close(ctx, id);
  }

  @Subscription(() => CommunicationLink)
  @Allow(Role.VIEWER, { scope: ApiScope.LINKS_READ })
  communicationLinkChanged(@Ctx() ctx: RequestContext, @Args('incidentId', { type: () => ID, nullable: true }, ParseIdPipe) incidentId?: string) {
    return this.links.changes(ctx, incidentId);
  }

  @ResolveField(() => Incident)
  @Allow(Role.VIEWER)
  incident(@Ctx() ctx: RequestContext, @Parent() link: CommunicationLink) {
    return this.links.incidentOf(ctx, link.incidentId);
  }

  @ResolveField(() => Organisation)
  @Allow(Role.VIEWER)
  initiatingOrganisation(@Ctx() ctx: RequestContext, @Parent() link: CommunicationLink) {
    return this.organisations.require(ctx, link.initiatingOrganisationId);
  }

  @ResolveField(() => [CommunicationLinkParticipant])
  @Allow(Role.VIEWER)
  participants(@Ctx() ctx: RequestContext, @Parent() link: CommunicationLink) {
    return this.links.participants(ctx, link.id);
  }
}

@Resolver(() => CommunicationLinkParticipant)
export class CommunicationLinkParticipantsResolver {
  constructor(private readonly organisations: OrganisationsService) {}

  @ResolveField(() => Organisation)
  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() participant: CommunicationLinkParticipant) {
    return this.organisations.require(ctx, participant.organisationId);
  }
}
