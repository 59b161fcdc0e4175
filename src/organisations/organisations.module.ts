import { Module, type OnModuleInit } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
import { ORGANISATION_ACCESS_RULES } from './organisations.access.js';
import { OrganisationsResolver } from './organisations.resolver.js';
import { OrganisationsService } from './organisations.service.js';

@Module({ providers: [OrganisationsResolver, OrganisationsService], exports: [OrganisationsService] })
export class OrganisationsModule implements OnModuleInit {
  constructor(private readonly access: AccessService) {}

  onModuleInit(): void {
    this.access.register(...ORGANISATION_ACCESS_RULES);
  }
}
