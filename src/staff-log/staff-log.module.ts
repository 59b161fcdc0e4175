import { Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { UsersModule } from '../users/users.module.js';
import { LogEntriesService } from './log-entries.service.js';
import { MeetingsService } from './meetings.service.js';
import { StaffLogPagesController } from './staff-log-pages.controller.js';
import { StaffLogPagesService } from './staff-log-pages.service.js';
import { STAFF_LOG_ACCESS_RULES } from './staff-log.access.js';
import { IncidentStaffLogResolver, LogEntriesResolver, LogEntryUpdatesResolver, MeetingsResolver } from './staff-log.resolver.js';

/** The staff log (logglista) and its meetings (issue 16). */
@Module({
  imports: [IncidentsModule, OrganisationsModule, UsersModule, ResourcesModule],
  controllers: [StaffLogPagesController],
  providers: [
    accessRules(...STAFF_LOG_ACCESS_RULES),
    LogEntriesService,
    MeetingsService,
    StaffLogPagesService,
    LogEntriesResolver,
    LogEntryUpdatesResolver,
    MeetingsResolver,
    IncidentStaffLogResolver,
  ],
  exports: [LogEntriesService],
})
export class StaffLogModule {}
