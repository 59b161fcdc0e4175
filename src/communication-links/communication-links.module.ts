import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { CommunicationLinkParticipantsResolver, CommunicationLinksResolver } from './communication-links.resolver.js';
import { CommunicationLinksService } from './communication-links.service.js';
import { CommunicationPlanController } from './communication-plan.controller.js';
import { IncidentCommunicationLinksResolver, OperationalPictureLinksResolver } from './incident-links.resolver.js';

@Module({
  imports: [OrganisationsModule],
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
export class CommunicationLinksModule {}
