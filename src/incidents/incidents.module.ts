import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { IncidentsResolver } from './incidents.resolver.js';
import { IncidentsService } from './incidents.service.js';
import { OperationalPictureResolver } from './operational-picture.resolver.js';
import { OperationalPictureService } from './operational-picture.service.js';
import { ReportAcknowledgementResolver, SituationReportsResolver } from './situation-reports.resolver.js';
import { SituationReportsService } from './situation-reports.service.js';

/** Incidents, their situation reports and the common operational picture. */
@Module({
  imports: [OrganisationsModule],
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
export class IncidentsModule {}
