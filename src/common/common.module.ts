import { Global, Module } from '@nestjs/common';
import { AccessService } from './access/access.service.js';
import { EventBus } from './events/event-bus.service.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';

/** What every feature module uses: access checks, events, idempotency keys, the rate limit. */
@Global()
@Module({
  providers: [AccessService, EventBus, IdempotencyService, RateLimiter],
  exports: [AccessService, EventBus, IdempotencyService, RateLimiter],
})
export class CommonModule {}
