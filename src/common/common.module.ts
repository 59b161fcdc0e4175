import { Global, Module } from '@nestjs/common';
import { AuditChainWriter } from '../audit/audit-chain.writer.js';
import { TransactionService } from './database/transaction.service.js';

/** What every feature module uses: transactions with their audit events. */
@Global()
@Module({ providers: [TransactionService, AuditChainWriter], exports: [TransactionService, AuditChainWriter] })
export class CommonModule {}
