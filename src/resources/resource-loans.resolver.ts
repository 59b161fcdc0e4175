import { Args, ID, Mutation, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { OfferResourceInput } from './dto/resource.inputs.js';
import { ResourceHolding } from './models/resource-holding.model.js';
import { ResourceLoan } from './models/resource-loan.model.js';
import { ResourceRequest } from './models/resource-request.model.js';
import { ResourceCatalogueService } from './resource-catalogue.service.js';
import { ResourceLoansService } from './resource-loans.service.js';
import { ResourceRequestsService } from './resource-requests.service.js';
import { ResourceSubscriptionsService } from './resource-subscriptions.service.js';

const LOAN_ID = { type: () => ID };

@Resolver(() => ResourceLoan)
export class ResourceLoansResolver {
  constructor(
    private readonly loans: ResourceLoansService,
    private readonly requests: ResourceRequestsService,
    private readonly catalogue: ResourceCatalogueService,
    private readonly organisations: OrganisationsService,
    private readonly subscriptions: ResourceSubscriptionsService,
  ) {}

  @Mutation(() => ResourceLoan)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  offerResource(@Ctx() ctx: RequestContext, @Args('input') input: OfferResourceInput) {
    return this.loans.offer(ctx, input);
  }

  @Mutation(() => ResourceLoan)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  acceptResourceOffer(@Ctx() ctx: RequestContext, @Args('loanId', LOAN_ID, ParseIdPipe) loanId: string) {
    return this.loans.transition(ctx, loanId, 'accept');
  }

  @Mutation(() => ResourceLoan)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  declineResourceOffer(@Ctx() ctx: RequestContext, @Args('loanId', LOAN_ID, ParseIdPipe) loanId: string) {
    return this.loans.transition(ctx, loanId, 'decline');
  }

  @Mutation(() => ResourceLoan)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  withdrawResourceOffer(@Ctx() ctx: RequestContext, @Args('loanId', LOAN_ID, ParseIdPipe) loanId: string) {
    return this.loans.transition(ctx, loanId, 'withdraw');
  }

  @Mutation(() => ResourceLoan)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  cancelResourceLoan(@Ctx() ctx: RequestContext, @Args('loanId', LOAN_ID, ParseIdPipe) loanId: string) {
    return this.loans.transition(ctx, loanId, 'cancel');
  }

  @Mutation(() => ResourceLoan)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  dispatchResourceLoan(@Ctx() ctx: RequestContext, @Args('loanId', LOAN_ID, ParseIdPipe) loanId: string) {
    return this.loans.transition(ctx, loanId, 'dispatch');
  }

  @Mutation(() => ResourceLoan)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.RESOURCES_WRITE })
  returnResourceLoan(@Ctx() ctx: RequestContext, @Args('loanId', LOAN_ID, ParseIdPipe) loanId: string) {
    return this.loans.transition(ctx, loanId, 'return');
  }

  @Subscription(() => ResourceLoan)
  @Allow(Role.VIEWER, { scope: ApiScope.RESOURCES_READ })
  resourceLoanChanged(@Ctx() ctx: RequestContext, @Args('incidentId', { type: () => ID, nullable: true }, ParseIdPipe) incidentId?: string) {
    return this.subscriptions.loans(ctx, incidentId);
  }

  @ResolveField(() => ResourceRequest)
  @Allow(Role.VIEWER)
  request(@Ctx() ctx: RequestContext, @Parent() loan: ResourceLoan) {
    return this.requests.byId(ctx, loan.requestId);
  }

  @ResolveField(() => Organisation)
  @Allow(Role.VIEWER)
  lendingOrganisation(@Ctx() ctx: RequestContext, @Parent() loan: ResourceLoan) {
    return this.organisations.require(ctx, loan.lendingOrganisationId);
  }

  @ResolveField(() => ResourceHolding)
  @Allow(Role.VIEWER)
  holding(@Ctx() ctx: RequestContext, @Parent() loan: ResourceLoan) {
    return this.catalogue.requireHolding(ctx, loan.holdingId);
  }
}
