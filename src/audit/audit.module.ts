import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuditResolver } from './audit.resolver.js';
import { AuditService } from './audit.service.js';

@Module({ imports: [UsersModule, ApiKeysModule, OrganisationsModule], providers: [AuditResolver, AuditService], exports: [AuditService] })
export class AuditModule {}
