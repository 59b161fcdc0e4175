import { Module } from '@nestjs/common';
import { accessRules } from '../common/access/access-rules.provider.js';
import { CommunicationLinksModule } from '../communication-links/communication-links.module.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { StaffLogModule } from '../staff-log/staff-log.module.js';
import { ScenarioCardController } from './scenario-card.controller.js';
import { ScenarioActivationService } from './scenario-activation.service.js';
import { IncidentScenarioResolver, ScenariosResolver } from './scenarios.resolver.js';
import { SCENARIO_ACCESS_RULES } from './scenarios.access.js';
import { ScenariosService } from './scenarios.service.js';

/** Prepared scenarios and their activation (issue 17, docs/scenarios.md). */
@Module({
  imports: [IncidentsModule, OrganisationsModule, CommunicationLinksModule, StaffLogModule, ResourcesModule],
  controllers: [ScenarioCardController],
  providers: [accessRules(...SCENARIO_ACCESS_RULES), ScenariosService, ScenarioActivationService, ScenariosResolver, IncidentScenarioResolver],
})
export class ScenariosModule {}
