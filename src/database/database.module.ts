import { Global, Module } from '@nestjs/common';
import { FeatureKit } from './feature-kit.js';
import { TransactionService } from './transaction.service.js';

/**
 * The one way to write: TransactionService (transaction, audit, idempotency claim, after-commit
 * events); and FeatureKit, what every feature service works with (db, tx, access, events).
 */
@Global()
@Module({ providers: [TransactionService, FeatureKit], exports: [TransactionService, FeatureKit] })
export class DatabaseModule {}
