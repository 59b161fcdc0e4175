import { Global, Module } from '@nestjs/common';
import { TransactionService } from './transaction.service.js';

/** The one way to write: TransactionService (transaction, audit, idempotency claim, after-commit events). */
@Global()
@Module({ providers: [TransactionService], exports: [TransactionService] })
export class DatabaseModule {}
