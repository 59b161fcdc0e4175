import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { CreateUserInput, UpdateUserInput } from './dto/user.inputs.js';
import { User } from './models/user.model.js';
import { UsersService } from './users.service.js';

@Resolver(() => User)
export class UsersResolver {
  constructor(
    private readonly users: UsersService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => User, { description: 'The caller. UNAUTHENTICATED without valid credentials.' })
  @Allow(Role.VIEWER)
  me(@Ctx() ctx: RequestContext) {
    return this.users.me(ctx);
  }

  @Mutation(() => User)
  @Allow(Role.ADMIN, { apiKeys: false })
  createUser(@Ctx() ctx: RequestContext, @Args('input') input: CreateUserInput) {
    return this.users.create(ctx, input);
  }

  @Mutation(() => User)
  @Allow(Role.ADMIN, { apiKeys: false })
  updateUser(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string, @Args('input') input: UpdateUserInput) {
    return this.users.update(ctx, id, input);
  }

  @ResolveField(() => String)
  @Allow(Role.VIEWER)
  email(@Ctx() ctx: RequestContext, @Parent() user: User) {
    return this.users.email(ctx, user);
  }

  @ResolveField(() => Organisation)
  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() user: User) {
    return this.organisations.require(ctx, user.organisationId);
  }
}
