import { Global, Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
import { OutboxSink } from '../common/notifications/outbox-sink.js';
import { CommunicationLinksModule } from '../communication-links/communication-links.module.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { StaffLogModule } from '../staff-log/staff-log.module.js';
import { UsersModule } from '../users/users.module.js';
import { EmailNoticesService } from './email-notices.service.js';
import { Mailer } from './mailer.js';
import { NotificationPreferencesResolver } from './notification-preferences.resolver.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';
import { OverdueNoticesService } from './overdue-notices.service.js';
import { NOTIFICATION_ACCESS_RULES } from './notifications.access.js';
import { OutboxService } from './outbox.service.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookPayloadsService } from './webhook-payloads.service.js';
import { WebhookWorker } from './outbox-worker.service.js';
import { WebhookDeliveriesResolver, WebhookEndpointsResolver } from './webhooks.resolver.js';

/**
 * Telling systems and people that are not watching (issue 21): the transactional outbox every
 * mutation writes to (as the OutboxSink of TransactionService, hence global), the worker that
 * sends it, the webhook endpoints organisations register and the e-mail preferences users set.
 * docs/notifications.md.
 */
@Global()
@Module({
  imports: [OrganisationsModule, UsersModule, IncidentsModule, ResourcesModule, CommunicationLinksModule, StaffLogModule],
  providers: [
    accessRules(...NOTIFICATION_ACCESS_RULES),
    OutboxService,
    { provide: OutboxSink, useExisting: OutboxService },
    WebhookEndpointsService,
    WebhookPayloadsService,
    WebhookWorker,
    WebhookEndpointsResolver,
    WebhookDeliveriesResolver,
    Mailer,
    EmailNoticesService,
    OverdueNoticesService,
    NotificationPreferencesService,
    NotificationPreferencesResolver,
  ],
  exports: [OutboxSink, WebhookWorker],
})
export class NotificationsModule {}
