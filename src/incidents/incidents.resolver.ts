import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { CreateIncidentInput, UpdateIncidentInput } from './dto/incident.inputs.js';
import { IncidentsArgs } from './dto/incidents.args.js';
import { SituationReportsArgs } from './dto/situation-report.inputs.js';
import { IncidentsService } from './incidents.service.js';
import { Incident, IncidentConnection, IncidentParticipant } from './models/incident.model.js';
import { SituationReportConnection } from './models/situation-report.model.js';
import { SituationReportsService } from './situation-reports.service.js';

@Resolver(() => Incident)
export class IncidentsResolver {
  constructor(
    private readonly service: IncidentsService,
    private readonly reports: SituationReportsService,
  ) {}

  @Query(() => IncidentConnection, {
    description: 'Incidents the caller may see (COORDINATOR and ADMIN: all; others: those their organisation takes part in), newest first.',
  })
  @Allow(Role.VIEWER, { scope: ApiScope.INCIDENTS_READ })
  incidents(@Ctx() ctx: RequestContext, @Args() args: IncidentsArgs) {
    return this.service.list(ctx, args);
  }

  @Query(() => Incident, { nullable: true, description: 'NOT_FOUND for an incident the caller may not see.' })
  @Allow(Role.VIEWER, { scope: ApiScope.INCIDENTS_READ })
  incident(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.service.findVisible(ctx, id);
  }

  @Mutation(() => Incident)
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  createIncident(@Ctx() ctx: RequestContext, @Args('input') input: CreateIncidentInput) {
    return this.service.create(ctx, input);
  }

  @Mutation(() => Incident)
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  updateIncident(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string, @Args('input') input: UpdateIncidentInput) {
    return this.service.update(ctx, id, input);
  }

  @Mutation(() => Incident)
  @Allow(Role.LIAISON_OFFICER, { apiKeys: false })
  addIncidentParticipant(
    @Ctx() ctx: RequestContext,
    @Args('incidentId', { type: () => ID }, ParseIdPipe) incidentId: string,
    @Args('organisationId', { type: () => ID }, ParseIdPipe) organisationId: string,
  ) {
    return this.service.addParticipant(ctx, incidentId, organisationId);
  }

  @Subscription(() => Incident, { description: 'Changes to incidents the subscriber may see (created, updated, closed, joined).' })
  @Allow(Role.VIEWER, { scope: ApiScope.INCIDENTS_READ })
  incidentChanged(@Ctx() ctx: RequestContext) {
    return this.service.changes(ctx);
  }

  @ResolveField(() => [IncidentParticipant])

  @Allow(Role.VIEWER)
  participants(@Ctx() ctx: RequestContext, @Parent() incident: Incident) {
    return this.service.participants(ctx, incident.id);
  }

  @ResolveField(() => SituationReportConnection, { description: 'Reports the viewer may read, newest first.' })

  @Allow(Role.VIEWER)
  situationReports(@Ctx() ctx: RequestContext, @Parent() incident: Incident, @Args() args: SituationReportsArgs) {
    return this.reports.forIncident(ctx, incident.id, args);
  }
}
