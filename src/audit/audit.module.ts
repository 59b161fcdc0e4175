import { Global, Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuditSink } from '../common/audit/audit-sink.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuditChainWriter } from './audit-chain.writer.js';
import { AuditResolver } from './audit.resolver.js';
import { AuditService } from './audit.service.js';

/** The audit trail: reading and verifying it, and the hash chain that every transaction writes to (as the AuditSink). */
@Global()
@Module({
  imports: [UsersModule, ApiKeysModule, OrganisationsModule],
  providers: [AuditResolver, AuditService, AuditChainWriter, { provide: AuditSink, useExisting: AuditChainWriter }],
  exports: [AuditService, AuditSink],
})
export class AuditModule {}
