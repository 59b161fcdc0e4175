import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { Authenticator } from './authenticator.js';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-errors.js';
import type { GraphqlContext } from '../request/graphql-context.js';
import { ACCESS_RULE, type AccessRule } from './access-rule.decorator.js';
import { roleAtLeast } from './roles.js';

/**
 * The global guard, default deny: an operation or route without an access rule is refused.
 * It authenticates the caller (once per request) and checks role, API-key scope and whether
 * API keys may call at all. Record-level checks are the services' (AccessService).
 */
@Injectable()
export class HubAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authn: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) throw new ForbiddenError('This operation declares no access rule and is refused');

    const gql = context.getType<string>() === 'graphql' ? GqlExecutionContext.create(context).getContext<GraphqlContext>() : undefined;
    // Over graphql-ws, Nest's Apollo driver puts the graphql-ws context where `req` would be:
    // only an object with headers is an HTTP request.
    const req = gql ? (gql.req?.headers ? gql.req : undefined) : context.switchToHttp().getRequest<FastifyRequest>();
    // Public operations (login, refresh) do not depend on who is asking: stale credentials
    // sent along are no reason to refuse them.
    if (rule.public) {
      if (req) await this.authn.authenticate(req).catch(() => undefined);
      return true;
    }
    // Over WebSocket the connection was authenticated at connection_init.
    const ctx = req ? await this.authn.authenticate(req) : gql!.ctx;

    const p = ctx.principal;
    if (!p) throw new UnauthenticatedError();
    if (p.kind === 'apiKey') {
      if (rule.apiKeys === false) throw new ForbiddenError('API keys may not do this');
      const missing = [rule.scope ?? []].flat().find((scope) => !p.scopes?.includes(scope));
      if (missing) throw new ForbiddenError(`This API key lacks the scope ${missing}`);
    }
    if (!roleAtLeast(p.role, rule.role)) throw new ForbiddenError(`This needs the role ${rule.role} or higher`);
    return true;
  }
}
