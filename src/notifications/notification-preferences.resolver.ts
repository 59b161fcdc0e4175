import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { Role } from '../common/auth/roles.js';
import type { RequestContext } from '../common/request/request-context.js';
import { UpdateNotificationPreferencesInput } from './dto/notification-preferences.input.js';
import { NotificationPreferences } from './models/notification-preferences.model.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';

/** Every user, for themselves; never an API key (it has no user to e-mail). */
@Resolver(() => NotificationPreferences)
export class NotificationPreferencesResolver {
  constructor(private readonly preferences: NotificationPreferencesService) {}

  @Query(() => NotificationPreferences, { description: 'What the caller is e-mailed about (docs/notifications.md, "E-mail").' })
  @Allow(Role.VIEWER, { apiKeys: false })
  myNotificationPreferences(@Ctx() ctx: RequestContext) {
    return this.preferences.mine(ctx);
  }

  @Mutation(() => NotificationPreferences, { description: 'Sets what the caller is e-mailed about; what is not given stays as it is.' })
  @Allow(Role.VIEWER, { apiKeys: false })
  updateMyNotificationPreferences(@Ctx() ctx: RequestContext, @Args('input') input: UpdateNotificationPreferencesInput) {
    return this.preferences.update(ctx, input);
  }
}
