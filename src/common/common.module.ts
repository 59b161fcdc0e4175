import { Global, Module } from '@nestjs/common';
import { AccessService } from './access/access.service.js';
import { CredentialAnnouncements } from './events/credentials-changed.js';
import { EventBus } from './events/event-bus.service.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';

/** What every feature module uses: access checks, events, idempotency keys, the rate limit. */
@Global()
@Module({
  providers: [AccessService, CredentialAnnouncements, EventBus, IdempotencyService, RateLimiter],
  exports: [AccessService, CredentialAnnouncements, EventBus, IdempotencyService, RateLimiter],
})
export class CommonModule {}
