import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyInput } from './dto/create-api-key.input.js';
import { ApiKey, CreatedApiKey } from './models/api-key.model.js';

@Resolver(() => ApiKey)
export class ApiKeysResolver {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => [ApiKey], { description: "ADMIN: any organisation's keys; LIAISON_OFFICER and COORDINATOR: their own organisation's." })
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  apiKeys(@Ctx() ctx: RequestContext, @Args('organisationId', { type: () => ID, nullable: true }, ParseIdPipe) organisationId?: string) {
    return this.keys.list(ctx, organisationId);
  }

  @Mutation(() => CreatedApiKey)
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  createApiKey(@Ctx() ctx: RequestContext, @Args('input') input: CreateApiKeyInput) {
    return this.keys.create(ctx, input);
  }

  @Mutation(() => ApiKey)
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  revokeApiKey(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.keys.revoke(ctx, id);
  }

  @ResolveField(() => Organisation)
  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() key: ApiKey) {
    return this.organisations.require(ctx, key.organisationId);
  }
}
