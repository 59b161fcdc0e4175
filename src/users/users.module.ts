import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { OrganisationMembersResolver } from './organisation-members.resolver.js';
import { PasswordService } from './password.service.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

@Module({ imports: [OrganisationsModule], providers: [UsersResolver, OrganisationMembersResolver, UsersService, PasswordService, AdminBootstrapService], exports: [UsersService, PasswordService] })
export class UsersModule {}
