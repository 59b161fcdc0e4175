import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ApiKeysResolver } from './api-keys.resolver.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({ imports: [OrganisationsModule], providers: [ApiKeysResolver, ApiKeysService], exports: [ApiKeysService] })
export class ApiKeysModule {}
