import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Incident } from '../incidents/models/incident.model.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { ActivateScenarioInput, CreateScenarioInput, ScenariosArgs, UpdateScenarioInput } from './dto/scenario.inputs.js';
import { Scenario, ScenarioConnection, ScenarioVersion } from './models/scenario.model.js';
import { ScenarioActivationService } from './scenario-activation.service.js';
import { ScenariosService } from './scenarios.service.js';

@Resolver(() => Scenario)
export class ScenariosResolver {
  constructor(
    private readonly service: ScenariosService,
    private readonly activation: ScenarioActivationService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => ScenarioConnection, { description: 'Scenarios the caller may see (regional ones and its own organisation\'s; COORDINATOR and ADMIN: all), by name.' })
  @Allow(Role.VIEWER, { scope: ApiScope.INCIDENTS_READ })
  scenarios(@Ctx() ctx: RequestContext, @Args() args: ScenariosArgs) {
    return this.service.list(ctx, args);
  }

  @Query(() => Scenario, { nullable: true, description: 'NOT_FOUND for a scenario the caller may not see.' })
  @Allow(Role.VIEWER, { scope: ApiScope.INCIDENTS_READ })
  scenario(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.service.findVisible(ctx, id);
  }

  @Mutation(() => Scenario, { description: "The caller's organisation's own scenario (LIAISON_OFFICER and up), or a regional one (shared: COORDINATOR)." })
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  createScenario(@Ctx() ctx: RequestContext, @Args('input') input: CreateScenarioInput) {
    return this.service.create(ctx, input);
  }

  @Mutation(() => Scenario, { description: 'A new version of the scenario; incidents started from earlier versions do not change.' })
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  updateScenario(@Ctx() ctx: RequestContext, @Args('input') input: UpdateScenarioInput) {
    return this.service.update(ctx, input);
  }

  @Mutation(() => Scenario)
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  archiveScenario(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.service.archive(ctx, id);
  }

  @Mutation(() => Incident, {
    description: "Starts an incident from the scenario's current version, with its participants, links, log entries, meetings and resource requests: all or nothing.",
  })
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  activateScenario(@Ctx() ctx: RequestContext, @Args('input') input: ActivateScenarioInput) {
    return this.activation.activate(ctx, input);
  }

  @ResolveField(() => ScenarioVersion)
  @Allow(Role.VIEWER)
  currentVersion(@Ctx() ctx: RequestContext, @Parent() scenario: Scenario) {
    return this.service.currentVersion(ctx, scenario);
  }

  @ResolveField(() => Organisation, { nullable: true, description: 'Null for a regional (shared) scenario.' })
  @Allow(Role.VIEWER)
  ownerOrganisation(@Ctx() ctx: RequestContext, @Parent() scenario: Scenario) {
    return scenario.ownerOrganisationId ? this.organisations.require(ctx, scenario.ownerOrganisationId) : null;
  }
}

/** Incident.scenarioVersion: what the incident was started from, for whoever sees the incident (the version is a copy it keeps). */
@Resolver(() => Incident)
export class IncidentScenarioResolver {
  constructor(private readonly service: ScenariosService) {}

  @ResolveField(() => ScenarioVersion, { nullable: true, description: 'The scenario version the incident was started from; null when started by hand.' })
  @Allow(Role.VIEWER)
  scenarioVersion(@Ctx() ctx: RequestContext, @Parent() incident: Incident) {
    return incident.scenarioVersionId ? this.service.version(ctx, incident.scenarioVersionId) : null;
  }
}
