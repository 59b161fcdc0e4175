import { Module, type OnModuleInit } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
import { USER_ACCESS_RULES } from './users.access.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { OrganisationMembersResolver } from './organisation-members.resolver.js';
import { PasswordService } from './password.service.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

@Module({ imports: [OrganisationsModule], providers: [UsersResolver, OrganisationMembersResolver, UsersService, PasswordService, AdminBootstrapService], exports: [UsersService, PasswordService] })
export class UsersModule implements OnModuleInit {
  constructor(private readonly access: AccessService) {}

  onModuleInit(): void {
    this.access.register(...USER_ACCESS_RULES);
  }
}
