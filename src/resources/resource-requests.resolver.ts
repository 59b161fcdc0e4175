import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { Incident } from '../incidents/models/incident.model.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { User } from '../users/models/user.model.js';
import { UsersService } from '../users/users.service.js';
import { CreateResourceRequestInput } from './dto/resource.inputs.js';
import { ResourceMatchesArgs, ResourceRequestsArgs } from './dto/resource.args.js';
import { ResourceLoan } from './models/resource-loan.model.js';
import { ResourceMatch } from './models/resource-match.model.js';
import { ResourceRequest, ResourceRequestConnection } from './models/resource-request.model.js';
import { ResourceType } from './models/resource-type.model.js';
import { ResourceCatalogueService } from './resource-catalogue.service.js';
import { ResourceSubscriptionsService } from './resource-subscriptions.service.js';
import { ResourceRequestsService } from './resource-requests.service.js';

@Resolver(() => ResourceRequest)
export class ResourceRequestsResolver {
  constructor(
    private readonly requests: ResourceRequestsService,
    private readonly catalogue: ResourceCatalogueService,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly subscriptions: ResourceSubscriptionsService,
    private readonly incidents: IncidentsService,
  ) {}

  @Query(() => ResourceRequestConnection)
  @Allow(Role.VIEWER, { scope: ApiScope.RESOURCES_READ })
  resourceRequests(@Ctx() ctx: RequestContext, @Args() args: ResourceRequestsArgs) {
    return this.requests.list(ctx, args);
  }

  @Query(() => ResourceRequest, { nullable: true })
  @Allow(Role.VIEWER, { scope: ApiScope.RESOURCES_READ })
  resourceRequest(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.requests.findVisible(ctx, id);
  }

  @Query(() => [ResourceMatch], { description: 'Holdings that could fill what the request still needs, best first.' })
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_READ })
  resourceMatches(@Ctx() ctx: RequestContext, @Args() args: ResourceMatchesArgs) {
    return this.requests.matches(ctx, args);
  }

  @Mutation(() => ResourceRequest)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  createResourceRequest(@Ctx() ctx: RequestContext, @Args('input') input: CreateResourceRequestInput) {
    return this.requests.create(ctx, input);
  }

  @Mutation(() => ResourceRequest)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  cancelResourceRequest(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.requests.cancel(ctx, id);
  }

  @Subscription(() => ResourceRequest)
  @Allow(Role.VIEWER, { scope: ApiScope.RESOURCES_READ })
  resourceRequestChanged(@Ctx() ctx: RequestContext, @Args('incidentId', { type: () => ID, nullable: true }, ParseIdPipe) incidentId?: string) {
    return this.subscriptions.requests(ctx, incidentId);
  }

  @ResolveField(() => Incident)
  @Allow(Role.VIEWER)
  incident(@Ctx() ctx: RequestContext, @Parent() request: ResourceRequest) {
    return this.incidents.load(ctx, request.incidentId);
  }

  @ResolveField(() => Organisation)
  @Allow(Role.VIEWER)
  requestingOrganisation(@Ctx() ctx: RequestContext, @Parent() request: ResourceRequest) {
    return this.organisations.require(ctx, request.requestingOrganisationId);
  }

  @ResolveField(() => ResourceType)
  @Allow(Role.VIEWER)
  resourceType(@Ctx() ctx: RequestContext, @Parent() request: ResourceRequest) {
    return this.catalogue.requireType(ctx, request.resourceTypeId);
  }

  @ResolveField(() => User, { nullable: true, description: "Visible to ADMIN and to the requesting organisation's users." })
  @Allow(Role.VIEWER)
  createdBy(@Ctx() ctx: RequestContext, @Parent() request: ResourceRequest) {
    return request.createdByUserId ? this.users.findVisible(ctx, request.createdByUserId) : null;
  }

  @ResolveField(() => [ResourceLoan])
  @Allow(Role.VIEWER)
  loans(@Ctx() ctx: RequestContext, @Parent() request: ResourceRequest) {
    return this.requests.loans(ctx, request.id);
  }
}
