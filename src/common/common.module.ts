import { Global, Module } from '@nestjs/common';
import { AccessService } from './access/access.service.js';
import { EventBus } from './events/event-bus.service.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';

/** What every feature module uses: access checks, events, idempotency keys. */
@Global()
@Module({
  providers: [AccessService, EventBus, IdempotencyService],
  exports: [AccessService, EventBus, IdempotencyService],
})
export class CommonModule {}
