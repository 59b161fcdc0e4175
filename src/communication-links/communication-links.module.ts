import { Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { COMMUNICATION_LINK_ACCESS_RULES } from './communication-links.access.js';
import { CommunicationLinkParticipantsResolver, CommunicationLinksResolver } from './communication-links.resolver.js';
import { CommunicationLinksService } from './communication-links.service.js';
import { CommunicationPlanController } from './communication-plan.controller.js';
import { IncidentCommunicationLinksResolver, OperationalPictureLinksResolver } from './incident-links.resolver.js';

@Module({
  imports: [OrganisationsModule, IncidentsModule],
  controllers: [CommunicationPlanController],
  providers: [
    accessRules(...COMMUNICATION_LINK_ACCESS_RULES),
    CommunicationLinksService,
    CommunicationLinksResolver,
    CommunicationLinkParticipantsResolver,
    IncidentCommunicationLinksResolver,
    OperationalPictureLinksResolver,
  ],
  exports: [CommunicationLinksService],
})
export class CommunicationLinksModule {}
