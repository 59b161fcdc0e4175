import { Global, Module } from '@nestjs/common';
import { AuditChainWriter } from '../audit/audit-chain.writer.js';
import { AccessService } from './access/access.service.js';
import { TransactionService } from './database/transaction.service.js';
import { EventBus } from './events/event-bus.service.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';

/** What every feature module uses: transactions with their audit events, access checks, events. */
@Global()
@Module({
  providers: [TransactionService, AuditChainWriter, AccessService, EventBus, IdempotencyService],
  exports: [TransactionService, AuditChainWriter, AccessService, EventBus, IdempotencyService],
})
export class CommonModule {}
