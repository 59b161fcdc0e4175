import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { RateLimitedError } from '../errors/domain-errors.js';
import { MemoryRateLimitStore, RedisRateLimitStore, type RateLimitStore } from './rate-limit.store.js';

const WINDOW_MS = 60_000;

/**
 * The one count of requests per principal (or client address) and minute, for HTTP requests
 * (PrincipalThrottlerGuard) and graphql-ws operations alike, so that a socket is no way around
 * the limit. In Redis when REDIS_URL is set, so that replicas share it.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly store: RateLimitStore;

  constructor(private readonly config: AppConfig) {
    this.store = config.redisUrl ? new RedisRateLimitStore(config.redisUrl) : new MemoryRateLimitStore();
  }

  /** Counts one request of `key`; past the limit, RATE_LIMITED with the seconds until the window ends. */
  async hit(key: string): Promise<void> {
    const record = await this.store.hit(key, WINDOW_MS, this.config.rateLimit.perMinute);
    if (record.blocked) throw new RateLimitedError(Math.max(1, Math.ceil(record.retryAfterMs / 1000)));
  }

  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }
}
