import { Module, type OnModuleInit } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { INCIDENT_ACCESS_RULES } from './incidents.access.js';
import { IncidentsResolver } from './incidents.resolver.js';
import { IncidentsService } from './incidents.service.js';
import { OperationalPictureResolver } from './operational-picture.resolver.js';
import { OperationalPictureService } from './operational-picture.service.js';
import { ReportAcknowledgementResolver, SituationReportsResolver } from './situation-reports.resolver.js';
import { SITUATION_REPORT_ACCESS_RULES } from './situation-reports.access.js';
import { SituationReportsService } from './situation-reports.service.js';

/** Incidents, their situation reports and the common operational picture. */
@Module({
  imports: [OrganisationsModule, UsersModule],
  providers: [
    IncidentsService,
    SituationReportsService,
    OperationalPictureService,
    IncidentsResolver,
    SituationReportsResolver,
    ReportAcknowledgementResolver,
    OperationalPictureResolver,
  ],
  exports: [IncidentsService, SituationReportsService],
})
export class IncidentsModule implements OnModuleInit {
  constructor(private readonly access: AccessService) {}

  onModuleInit(): void {
    this.access.register(...INCIDENT_ACCESS_RULES, ...SITUATION_REPORT_ACCESS_RULES);
  }
}
