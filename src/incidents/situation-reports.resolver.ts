import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { User } from '../users/models/user.model.js';
import { SubmitSituationReportInput } from './dto/situation-report.inputs.js';
import { IncidentsService } from './incidents.service.js';
import { Incident } from './models/incident.model.js';
import { ReportAcknowledgement, SituationReport } from './models/situation-report.model.js';
import { SituationReportsService } from './situation-reports.service.js';

@Resolver(() => SituationReport)
export class SituationReportsResolver {
  constructor(
    private readonly reports: SituationReportsService,
    private readonly incidents: IncidentsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => SituationReport, { nullable: true, description: 'NOT_FOUND for a report the caller may not read.' })
  @Allow(Role.VIEWER, { scope: ApiScope.REPORTS_READ })
  situationReport(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.reports.findReadable(ctx, id);
  }

  @Mutation(() => SituationReport)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.REPORTS_WRITE })
  submitSituationReport(@Ctx() ctx: RequestContext, @Args('input') input: SubmitSituationReportInput) {
    return this.reports.submit(ctx, input);
  }

  @Mutation(() => SituationReport)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.REPORTS_WRITE })
  acknowledgeSituationReport(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.reports.acknowledge(ctx, id);
  }

  @Subscription(() => SituationReport, { description: 'New reports in incidents the subscriber may see; one incident when incidentId is given.' })
  @Allow(Role.VIEWER, { scope: ApiScope.REPORTS_READ })
  situationReportSubmitted(@Ctx() ctx: RequestContext, @Args('incidentId', { type: () => ID, nullable: true }, ParseIdPipe) incidentId?: string) {
    return this.reports.submitted(ctx, incidentId);
  }

  @ResolveField(() => Incident)

  @Allow(Role.VIEWER)
  incident(@Ctx() ctx: RequestContext, @Parent() report: SituationReport) {
    return this.incidents.load(ctx, report.incidentId);
  }

  @ResolveField(() => Organisation)

  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() report: SituationReport) {
    return this.organisations.require(ctx, report.organisationId);
  }

  @ResolveField(() => User, { nullable: true })

  @Allow(Role.VIEWER)
  author(@Ctx() ctx: RequestContext, @Parent() report: SituationReport) {
    return this.reports.user(ctx, report.authorUserId);
  }

  @ResolveField(() => SituationReport, { nullable: true, description: 'The version this one replaces, if any.' })

  @Allow(Role.VIEWER)
  supersedes(@Ctx() ctx: RequestContext, @Parent() report: SituationReport) {
    return this.reports.supersedes(ctx, report);
  }

  @ResolveField(() => [Organisation], { description: 'Recipients of a RESTRICTED report; empty for ALL_PARTICIPANTS.' })

  @Allow(Role.VIEWER)
  recipients(@Ctx() ctx: RequestContext, @Parent() report: SituationReport) {
    return Promise.all(report.recipientOrganisationIds.map((id) => this.organisations.require(ctx, id)));
  }

  @ResolveField(() => [ReportAcknowledgement])

  @Allow(Role.VIEWER)
  acknowledgements(@Ctx() ctx: RequestContext, @Parent() report: SituationReport) {
    return this.reports.acknowledgements(ctx, report.id);
  }

  @ResolveField(() => [Organisation], { description: 'Organisations that should acknowledge and have not.' })

  @Allow(Role.VIEWER)
  async pendingAcknowledgements(@Ctx() ctx: RequestContext, @Parent() report: SituationReport) {
    const ids = await this.reports.pendingAcknowledgements(ctx, report.id);
    return Promise.all(ids.map((id) => this.organisations.require(ctx, id)));
  }
}

@Resolver(() => ReportAcknowledgement)
export class ReportAcknowledgementResolver {
  constructor(
    private readonly reports: SituationReportsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @ResolveField(() => Organisation)

  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() ack: ReportAcknowledgement) {
    return this.organisations.require(ctx, ack.organisationId);
  }

  @ResolveField(() => User, { nullable: true })

  @Allow(Role.VIEWER)
  acknowledgedBy(@Ctx() ctx: RequestContext, @Parent() ack: ReportAcknowledgement) {
    return this.reports.user(ctx, ack.acknowledgedByUserId);
  }
}
