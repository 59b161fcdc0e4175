import { Global, Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
import { OutboxSink } from '../common/notifications/outbox-sink.js';
import { CommunicationLinksModule } from '../communication-links/communication-links.module.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { StaffLogModule } from '../staff-log/staff-log.module.js';
import { NOTIFICATION_ACCESS_RULES } from './notifications.access.js';
import { OutboxService } from './outbox.service.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookPayloadsService } from './webhook-payloads.service.js';
import { WebhookWorker } from './webhook-worker.service.js';
import { WebhookDeliveriesResolver, WebhookEndpointsResolver } from './webhooks.resolver.js';

/**
 * Telling systems that are not watching (issue 21): the transactional outbox every mutation
 * writes to (as the OutboxSink of TransactionService, hence global), the worker that sends it,
 * and the webhook endpoints organisations register. docs/notifications.md.
 */
@Global()
@Module({
  imports: [OrganisationsModule, IncidentsModule, ResourcesModule, CommunicationLinksModule, StaffLogModule],
  providers: [
    accessRules(...NOTIFICATION_ACCESS_RULES),
    OutboxService,
    { provide: OutboxSink, useExisting: OutboxService },
    WebhookEndpointsService,
    WebhookPayloadsService,
    WebhookWorker,
    WebhookEndpointsResolver,
    WebhookDeliveriesResolver,
  ],
  exports: [OutboxSink, WebhookWorker],
})
export class NotificationsModule {}
