import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { Role } from '../common/auth/roles.js';
import { ConnectionArgs } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { UserConnection } from './models/user.model.js';
import { UsersService } from './users.service.js';

/** Organisation.members lives with the users, so that organisations need not know them. */
@Resolver(() => Organisation)
export class OrganisationMembersResolver {
  constructor(private readonly users: UsersService) {}

  @ResolveField(() => UserConnection, { description: "Members; visible to ADMIN and to the organisation's own users." })
  @Allow(Role.VIEWER)
  members(@Ctx() ctx: RequestContext, @Parent() org: Organisation, @Args() args: ConnectionArgs) {
    return this.users.members(ctx, org.id, args);
  }
}
