import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { CreateOrganisationInput, UpdateOrganisationInput } from './dto/organisation.inputs.js';
import { OrganisationsArgs } from './dto/organisations.args.js';
import { Organisation, OrganisationConnection } from './models/organisation.model.js';
import { OrganisationsService } from './organisations.service.js';

@Resolver(() => Organisation)
export class OrganisationsResolver {
  constructor(private readonly service: OrganisationsService) {}

  @Query(() => OrganisationConnection)
  @Allow(Role.VIEWER)
  organisations(@Ctx() ctx: RequestContext, @Args() args: OrganisationsArgs) {
    return this.service.list(ctx, args);
  }

  @Query(() => Organisation, { nullable: true })
  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.service.findById(ctx, id);
  }

  @Mutation(() => Organisation)
  @Allow(Role.ADMIN, { apiKeys: false })
  createOrganisation(@Ctx() ctx: RequestContext, @Args('input') input: CreateOrganisationInput) {
    return this.service.create(ctx, input);
  }

  @Mutation(() => Organisation, { description: "ADMIN; a LIAISON_OFFICER may change the own organisation's duty phone and email." })
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  updateOrganisation(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string, @Args('input') input: UpdateOrganisationInput) {
    return this.service.update(ctx, id, input);
  }
}
