import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { ApiKey } from '../api-keys/models/api-key.model.js';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { Role } from '../common/auth/roles.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { User } from '../users/models/user.model.js';
import { UsersService } from '../users/users.service.js';
import { AuditService } from './audit.service.js';
import { AuditChainVerification, AuditEvent, AuditEventConnection, AuditEventsArgs } from './models/audit-event.model.js';

@Resolver(() => AuditEvent)
export class AuditResolver {
  constructor(
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly keys: ApiKeysService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => AuditEventConnection, { description: 'ADMIN: every event; others: the events of their own organisation. Oldest first.' })
  @Allow(Role.VIEWER, { apiKeys: false })
  auditEvents(@Ctx() ctx: RequestContext, @Args() args: AuditEventsArgs) {
    return this.audit.list(ctx, args.filter, args);
  }

  @Query(() => AuditChainVerification, { description: 'ADMIN only: recomputes the hash chain.' })
  @Allow(Role.ADMIN, { apiKeys: false })
  verifyAuditChain() {
    return this.audit.verify();
  }

  @ResolveField(() => User, { nullable: true })
  @Allow(Role.VIEWER)
  actorUser(@Ctx() ctx: RequestContext, @Parent() e: AuditEvent) {
    return e.actorUserId ? this.users.findVisible(ctx, e.actorUserId) : null;
  }

  @ResolveField(() => ApiKey, { nullable: true })
  @Allow(Role.VIEWER)
  actorApiKey(@Ctx() ctx: RequestContext, @Parent() e: AuditEvent) {
    return e.actorApiKeyId ? this.keys.findVisible(ctx, e.actorApiKeyId) : null;
  }

  @ResolveField(() => Organisation, { nullable: true })
  @Allow(Role.VIEWER)
  actorOrganisation(@Ctx() ctx: RequestContext, @Parent() e: AuditEvent) {
    return e.actorOrganisationId ? this.organisations.findById(ctx, e.actorOrganisationId) : null;
  }
}
