import { Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
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
    accessRules(...INCIDENT_ACCESS_RULES, ...SITUATION_REPORT_ACCESS_RULES),
    IncidentsService,
    SituationReportsService,
    OperationalPictureService,
    IncidentsResolver,
    SituationReportsResolver,
    ReportAcknowledgementResolver,
    OperationalPictureResolver,
  ],
  exports: [IncidentsService, SituationReportsService, OperationalPictureService],
})
export class IncidentsModule {}
