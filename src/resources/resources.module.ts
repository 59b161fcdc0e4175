import { Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { IncidentResourceRequestsResolver, PictureResourceRequestsResolver } from './incident-resources.resolver.js';
import { OrganisationHoldingsResolver, ResourceHoldingsResolver, ResourceTypesResolver } from './resource-catalogue.resolver.js';
import { ResourceCatalogueService } from './resource-catalogue.service.js';
import { ResourceEventsService } from './resource-events.service.js';
import { ResourceLoansResolver } from './resource-loans.resolver.js';
import { ResourceLoansService } from './resource-loans.service.js';
import { ResourceRequestsResolver } from './resource-requests.resolver.js';
import { ResourceRequestsService } from './resource-requests.service.js';
import { ResourceSubscriptionsService } from './resource-subscriptions.service.js';
import { ResourceLoaders } from './resource.loaders.js';
import { RESOURCE_ACCESS_RULES } from './resources.access.js';

/** Resources (issue 5): catalogue, holdings, requests, offers and loans, matching, their events. */
@Module({
  imports: [IncidentsModule, OrganisationsModule, UsersModule],
  providers: [
    accessRules(...RESOURCE_ACCESS_RULES),
    ResourceLoaders,
    ResourceCatalogueService,
    ResourceRequestsService,
    ResourceLoansService,
    ResourceEventsService,
    ResourceSubscriptionsService,
    ResourceTypesResolver,
    ResourceHoldingsResolver,
    OrganisationHoldingsResolver,
    ResourceRequestsResolver,
    ResourceLoansResolver,
    IncidentResourceRequestsResolver,
    PictureResourceRequestsResolver,
  ],
  exports: [ResourceCatalogueService, ResourceRequestsService],
})
export class ResourcesModule {}
