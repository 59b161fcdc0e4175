import { Module, type OnModuleInit } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
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
    CommunicationLinksService,
    CommunicationLinksResolver,
    CommunicationLinkParticipantsResolver,
    IncidentCommunicationLinksResolver,
    OperationalPictureLinksResolver,
  ],
  exports: [CommunicationLinksService],
})
export class CommunicationLinksModule implements OnModuleInit {
  constructor(private readonly access: AccessService) {}

  onModuleInit(): void {
    this.access.register(...COMMUNICATION_LINK_ACCESS_RULES);
  }
}
