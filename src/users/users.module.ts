import { Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
import { USER_ACCESS_RULES } from './users.access.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { OrganisationMembersResolver } from './organisation-members.resolver.js';
import { PasswordService } from './password.service.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

@Module({ imports: [OrganisationsModule], providers: [accessRules(...USER_ACCESS_RULES), UsersResolver, OrganisationMembersResolver, UsersService, PasswordService, AdminBootstrapService], exports: [UsersService, PasswordService] })
export class UsersModule {}
