import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { CreateResourceTypeInput, SetResourceHoldingInput } from './dto/resource.inputs.js';
import { ResourceHolding } from './models/resource-holding.model.js';
import { ResourceCategory } from './models/resource.enums.js';
import { ResourceType } from './models/resource-type.model.js';
import { ResourceCatalogueService } from './resource-catalogue.service.js';

@Resolver(() => ResourceType)
export class ResourceTypesResolver {
  constructor(private readonly catalogue: ResourceCatalogueService) {}

  @Query(() => [ResourceType])
  @Allow(Role.VIEWER, { scope: ApiScope.RESOURCES_READ })
  resourceTypes(@Ctx() ctx: RequestContext, @Args('category', { type: () => ResourceCategory, nullable: true }) category?: ResourceCategory) {
    return this.catalogue.listTypes(ctx, category);
  }

  @Mutation(() => ResourceType)
  @Allow(Role.COORDINATOR, { apiKeys: false })
  createResourceType(@Ctx() ctx: RequestContext, @Args('input') input: CreateResourceTypeInput) {
    return this.catalogue.createType(ctx, input);
  }
}

@Resolver(() => ResourceHolding)
export class ResourceHoldingsResolver {
  constructor(
    private readonly catalogue: ResourceCatalogueService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => [ResourceHolding])
  @Allow(Role.VIEWER, { scope: ApiScope.RESOURCES_READ })
  resourceHoldings(
    @Ctx() ctx: RequestContext,
    @Args('resourceTypeId', { type: () => ID, nullable: true }, ParseIdPipe) resourceTypeId?: string,
    @Args('organisationId', { type: () => ID, nullable: true }, ParseIdPipe) organisationId?: string,
  ) {
    return this.catalogue.listHoldings(ctx, resourceTypeId, organisationId);
  }

  @Mutation(() => ResourceHolding)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  setResourceHolding(@Ctx() ctx: RequestContext, @Args('input') input: SetResourceHoldingInput) {
    return this.catalogue.setHolding(ctx, input);
  }

  @ResolveField(() => Organisation)
  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() holding: ResourceHolding) {
    return this.organisations.require(ctx, holding.organisationId);
  }

  @ResolveField(() => ResourceType)
  @Allow(Role.VIEWER)
  resourceType(@Ctx() ctx: RequestContext, @Parent() holding: ResourceHolding) {
    return this.catalogue.requireType(ctx, holding.resourceTypeId);
  }
}

/** Organisation.holdings lives with the resources, so that organisations need not know them. */
@Resolver(() => Organisation)
export class OrganisationHoldingsResolver {
  constructor(private readonly catalogue: ResourceCatalogueService) {}

  @ResolveField(() => [ResourceHolding], { description: "The organisation's resource inventory." })
  @Allow(Role.VIEWER)
  holdings(@Ctx() ctx: RequestContext, @Parent() org: Organisation) {
    return this.catalogue.holdingsOf(ctx, org.id);
  }
}
