import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { Authenticator } from '../auth/authenticator.js';
import { principalKey } from '../auth/principal.js';
import type { GraphqlContext } from '../request/graphql-context.js';
import { requestContextOf } from '../request/graphql-context.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Rate limiting per principal over all HTTP operations, counted once per HTTP request however
 * many root fields it has. Requests without credentials and requests whose credentials do not
 * verify count against the client address: it runs before HubAuthGuard (which refuses them), so
 * that a flood of random API keys or forged tokens is refused RATE_LIMITED past the limit
 * instead of being looked up for ever. graphql-ws operations are counted in the same RateLimiter
 * when they are subscribed (src/graphql/websocket-operations.ts).
 *
 * Written here rather than taken from @nestjs/throttler: that package is CommonJS requiring
 * NestJS 12's ESM-only packages, which Jest cannot load on Node 20.
 */
@Injectable()
export class PrincipalThrottlerGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly authn: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req: (FastifyRequest & { hubThrottled?: boolean }) | undefined =
      context.getType<string>() === 'graphql' ? GqlExecutionContext.create(context).getContext<GraphqlContext>().req : context.switchToHttp().getRequest<FastifyRequest>();
    // Operations over WebSocket have no HTTP request here (the driver puts the graphql-ws
    // context where `req` would be: only an object with headers is a request); they were
    // counted when subscribed. Each HTTP request counts once.
    if (!req?.headers || req.hubThrottled) return true;
    req.hubThrottled = true;
    // Authenticated once per request: HubAuthGuard gets the same outcome without a second look-up.
    await this.authn.authenticate(req).catch(() => undefined);
    const principal = requestContextOf(req).principal;
    await this.limiter.hit(principal ? principalKey(principal) : `address:${req.ip ?? req.socket?.remoteAddress ?? 'unknown'}`);
    return true;
  }
}
