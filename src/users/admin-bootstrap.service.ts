import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { hashPassword } from './password.service.js';
import { TransactionService } from '../database/transaction.service.js';
import { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { HUB_ORGANISATION_CODE } from '../organisations/hub-organisation.js';

/**
 * A fresh deployment's first user: with HUB_ADMIN_EMAIL and HUB_ADMIN_PASSWORD set, that ADMIN
 * is created on start (in the organisation with code HUB, which a migration creates) unless a
 * user already has the email. Replicas starting together are safe: the insert is ON CONFLICT DO NOTHING.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tx: TransactionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config.auth;
    if (!adminEmail || !adminPassword) return;
    const hash = await hashPassword(adminPassword);
    const ctx = RequestContext.system('admin-bootstrap');
    const created = await this.tx.run(ctx, async (tx) => {
      const [user] = await tx.query(
        `INSERT INTO users (organisation_id, email, display_name, role, password_hash)
         SELECT id, $1, 'Hub administrator', 'ADMIN', $2 FROM organisations WHERE code = $3
         ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
        [adminEmail.trim(), hash, HUB_ORGANISATION_CODE],
      );
      if (user) tx.audit({ action: 'user.bootstrapAdmin', entityType: 'User', entityId: user.id, details: { email: adminEmail } });
      return !!user;
    });
    if (created) this.logger.log(`Created the first administrator ${adminEmail}`);
  }
}
