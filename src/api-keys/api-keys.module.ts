import { Module, type OnModuleInit } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
import { API_KEY_ACCESS_RULES } from './api-keys.access.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ApiKeysResolver } from './api-keys.resolver.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({ imports: [OrganisationsModule], providers: [ApiKeysResolver, ApiKeysService], exports: [ApiKeysService] })
export class ApiKeysModule implements OnModuleInit {
  constructor(private readonly access: AccessService) {}

  onModuleInit(): void {
    this.access.register(...API_KEY_ACCESS_RULES);
  }
}
