import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { Role } from '../common/auth/roles.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordArgs, LoginArgs, RefreshTokenArgs } from './dto/auth.args.js';
import { AuthPayload } from './models/auth-payload.model.js';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayload)
  @Public()
  login(@Ctx() ctx: RequestContext, @Args() args: LoginArgs) {
    return this.auth.login(ctx, args.email, args.password);
  }

  @Mutation(() => AuthPayload)
  @Public()
  refreshSession(@Ctx() ctx: RequestContext, @Args() args: RefreshTokenArgs) {
    return this.auth.refresh(ctx, args.refreshToken);
  }

  @Mutation(() => Boolean, { description: 'Retires the refresh token (and every token issued from it).' })
  @Public()
  logout(@Ctx() ctx: RequestContext, @Args() args: RefreshTokenArgs) {
    return this.auth.logout(ctx, args.refreshToken);
  }

  @Mutation(() => Boolean)
  @Allow(Role.VIEWER, { apiKeys: false })
  changePassword(@Ctx() ctx: RequestContext, @Args() args: ChangePasswordArgs) {
    return this.auth.changePassword(ctx, args.currentPassword, args.newPassword);
  }
}
