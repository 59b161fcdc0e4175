import type { Provider } from '@nestjs/common';
import type { AccessRule } from './access-rule.js';
import { AccessService } from './access.service.js';

/**
 * A feature module's providers entry that registers its access rules when the module is
 * instantiated: `providers: [..., accessRules(...INCIDENT_ACCESS_RULES)]`.
 */
export function accessRules(...rules: AccessRule<any>[]): Provider {
  return {
    provide: Symbol(`access rules: ${rules.map((r) => r.permission).join(', ')}`),
    inject: [AccessService],
    useFactory: (access: AccessService) => access.register(...rules),
  };
}
