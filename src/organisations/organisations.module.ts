import { Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
import { ORGANISATION_ACCESS_RULES } from './organisations.access.js';
import { OrganisationsResolver } from './organisations.resolver.js';
import { OrganisationsService } from './organisations.service.js';

@Module({ providers: [accessRules(...ORGANISATION_ACCESS_RULES), OrganisationsResolver, OrganisationsService], exports: [OrganisationsService] })
export class OrganisationsModule {}
