import { Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
import { API_KEY_ACCESS_RULES } from './api-keys.access.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ApiKeysResolver } from './api-keys.resolver.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({ imports: [OrganisationsModule], providers: [accessRules(...API_KEY_ACCESS_RULES), ApiKeysResolver, ApiKeysService], exports: [ApiKeysService] })
export class ApiKeysModule {}
