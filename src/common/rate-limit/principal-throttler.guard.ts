import { type CanActivate, type ExecutionContext, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config.js';
import { Authenticator } from '../auth/authenticator.js';
import { principalKey } from '../auth/principal.js';
import { RateLimitedError } from '../errors/domain-errors.js';
import type { GraphqlContext } from '../request/graphql-context.js';
import { requestContextOf } from '../request/graphql-context.js';
import { MemoryRateLimitStore, RedisRateLimitStore, type RateLimitStore } from './rate-limit.store.js';

const WINDOW_MS = 60_000;

/**
 * Rate limiting per principal over all operations, counted once per HTTP request however many
 * root fields it has, in Redis when REDIS_URL is set so that replicas share the limit. Requests
 * without credentials and requests whose credentials do not verify count against the client
 * address: it runs before HubAuthGuard (which refuses them), so that a flood of random API keys
 * or forged tokens is refused RATE_LIMITED past the limit instead of being looked up for ever.
 *
 * Written here rather than taken from @nestjs/throttler: that package is CommonJS requiring
 * NestJS 12's ESM-only packages, which Jest cannot load on Node 20.
 */
@Injectable()
export class PrincipalThrottlerGuard implements CanActivate, OnModuleDestroy {
  private readonly store: RateLimitStore;

  constructor(
    private readonly config: AppConfig,
    private readonly authn: Authenticator,
  ) {
    this.store = config.redisUrl ? new RedisRateLimitStore(config.redisUrl) : new MemoryRateLimitStore();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req: (Request & { hubThrottled?: boolean }) | undefined =
      context.getType<string>() === 'graphql' ? GqlExecutionContext.create(context).getContext<GraphqlContext>().req : context.switchToHttp().getRequest<Request>();
    // Subscriptions over WebSocket have no HTTP request to count (the driver puts the
    // graphql-ws context where `req` would be: only an object with headers is a request);
    // each HTTP request counts once.
    if (!req?.headers || req.hubThrottled) return true;
    req.hubThrottled = true;
    // Authenticated once per request: HubAuthGuard gets the same outcome without a second look-up.
    await this.authn.authenticate(req).catch(() => undefined);
    const principal = requestContextOf(req).principal;
    const key = principal ? principalKey(principal) : `address:${req.ip ?? req.socket?.remoteAddress ?? 'unknown'}`;
    const record = await this.store.hit(key, WINDOW_MS, this.config.rateLimit.perMinute);
    if (record.blocked) throw new RateLimitedError(Math.max(1, Math.ceil(record.retryAfterMs / 1000)));
    return true;
  }

  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }
}
