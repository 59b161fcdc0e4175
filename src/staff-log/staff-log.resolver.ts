import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { Incident } from '../incidents/models/incident.model.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { ResourceRequest } from '../resources/models/resource-request.model.js';
import { User } from '../users/models/user.model.js';
import { CloseMeetingInput, FollowUpLogEntryInput, IncidentLogArgs, IncidentMeetingsArgs, MyLogTasksArgs, ScheduleMeetingInput, WriteLogEntryInput } from './dto/staff-log.inputs.js';
import { LogEntriesService } from './log-entries.service.js';
import { MeetingsService } from './meetings.service.js';
import { LogEntry, LogEntryConnection, LogEntryUpdate } from './models/log-entry.model.js';
import { Meeting, MeetingAgenda } from './models/meeting.model.js';

@Resolver(() => LogEntry)
export class LogEntriesResolver {
  constructor(
    private readonly entries: LogEntriesService,
    private readonly meetings: MeetingsService,
    private readonly incidents: IncidentsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => LogEntry, { nullable: true, description: 'NOT_FOUND for an entry the caller may not read.' })
  @Allow(Role.VIEWER, { scope: ApiScope.LOG_READ })
  logEntry(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.entries.findReadable(ctx, id);
  }

  @Query(() => LogEntryConnection, {
    description:
      "Open NEED, QUESTION and ACTION entries, over every incident the caller may see, that the caller's organisation answers for; overdue first, then by dueAt.",
  })
  @Allow(Role.VIEWER, { scope: ApiScope.LOG_READ })
  myLogTasks(@Ctx() ctx: RequestContext, @Args() args: MyLogTasksArgs) {
    return this.entries.myTasks(ctx, args.first, args.after);
  }

  @Mutation(() => LogEntry)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.LOG_WRITE })
  writeLogEntry(@Ctx() ctx: RequestContext, @Args('input') input: WriteLogEntryInput) {
    return this.entries.write(ctx, input);
  }

  @Mutation(() => LogEntry, { description: 'By the writing organisation or the responsible one (and COORDINATOR, ADMIN).' })
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.LOG_WRITE })
  followUpLogEntry(@Ctx() ctx: RequestContext, @Args('input') input: FollowUpLogEntryInput) {
    return this.entries.followUp(ctx, input);
  }

  @Subscription(() => LogEntry, { description: 'Each event is filtered for the subscriber exactly as logEntry is.' })
  @Allow(Role.VIEWER, { scope: ApiScope.LOG_READ })
  logEntryChanged(@Ctx() ctx: RequestContext, @Args('incidentId', { type: () => ID, nullable: true }, ParseIdPipe) incidentId?: string) {
    return this.entries.changes(ctx, incidentId);
  }

  @ResolveField(() => Incident)
  @Allow(Role.VIEWER)
  incident(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return this.incidents.load(ctx, entry.incidentId);
  }

  @ResolveField(() => Organisation, { description: 'The organisation that wrote it.' })
  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return this.organisations.require(ctx, entry.organisationId);
  }

  @ResolveField(() => User, { nullable: true })
  @Allow(Role.VIEWER)
  author(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return this.entries.user(ctx, entry.authorUserId);
  }

  @ResolveField(() => [Organisation], { description: 'Recipients of a RESTRICTED entry; empty otherwise.' })
  @Allow(Role.VIEWER)
  recipients(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return Promise.all(entry.recipientOrganisationIds.map((id) => this.organisations.require(ctx, id)));
  }

  @ResolveField(() => Organisation, { nullable: true, description: 'For NEED, QUESTION and ACTION: who answers for it.' })
  @Allow(Role.VIEWER)
  responsibleOrganisation(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return entry.responsibleOrganisationId ? this.organisations.require(ctx, entry.responsibleOrganisationId) : null;
  }

  @ResolveField(() => LogEntry, { nullable: true, description: 'The entry this one follows from: the QUESTION a DECISION answers, the DECISION an ACTION carries out.' })
  @Allow(Role.VIEWER)
  parent(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return this.entries.parent(ctx, entry);
  }

  @ResolveField(() => [LogEntry], { description: 'Entries that follow from this one, that the viewer may read.' })
  @Allow(Role.VIEWER)
  children(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return this.entries.children(ctx, entry.id);
  }

  @ResolveField(() => ResourceRequest, { nullable: true, description: 'A NEED that is met through a resource request.' })
  @Allow(Role.VIEWER)
  resourceRequest(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return this.entries.resourceRequest(ctx, entry);
  }

  @ResolveField(() => Meeting, { nullable: true, description: 'The meeting it was written at, if any.' })
  @Allow(Role.VIEWER)
  meeting(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return this.meetings.visibleOrNull(ctx, entry.meetingId);
  }

  @ResolveField(() => [LogEntryUpdate], { description: 'Oldest first.' })
  @Allow(Role.VIEWER)
  updates(@Ctx() ctx: RequestContext, @Parent() entry: LogEntry) {
    return this.entries.updates(ctx, entry.id);
  }
}

@Resolver(() => LogEntryUpdate)
export class LogEntryUpdatesResolver {
  constructor(
    private readonly entries: LogEntriesService,
    private readonly organisations: OrganisationsService,
  ) {}

  @ResolveField(() => Organisation)
  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() update: LogEntryUpdate) {
    return this.organisations.require(ctx, update.organisationId);
  }

  @ResolveField(() => User, { nullable: true })
  @Allow(Role.VIEWER)
  author(@Ctx() ctx: RequestContext, @Parent() update: LogEntryUpdate) {
    return this.entries.user(ctx, update.authorUserId);
  }
}

@Resolver(() => Meeting)
export class MeetingsResolver {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly incidents: IncidentsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => Meeting, { nullable: true, description: 'NOT_FOUND for a meeting the caller may not see.' })
  @Allow(Role.VIEWER, { scope: ApiScope.LOG_READ })
  meeting(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.meetings.findVisible(ctx, id);
  }

  @Mutation(() => Meeting, {
    description: 'STAFF_MEETING: by a LIAISON_OFFICER or above of the organisation; COORDINATION_CONFERENCE: by the lead organisation or a COORDINATOR.',
  })
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.LOG_WRITE })
  scheduleMeeting(@Ctx() ctx: RequestContext, @Args('input') input: ScheduleMeetingInput) {
    return this.meetings.schedule(ctx, input);
  }

  @Mutation(() => Meeting)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.LOG_WRITE })
  startMeeting(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.meetings.start(ctx, id);
  }

  @Mutation(() => Meeting)
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.LOG_WRITE })
  closeMeeting(@Ctx() ctx: RequestContext, @Args('input') input: CloseMeetingInput) {
    return this.meetings.close(ctx, input);
  }

  @Subscription(() => Meeting, { description: 'Each event is filtered for the subscriber exactly as meeting is.' })
  @Allow(Role.VIEWER, { scope: ApiScope.LOG_READ })
  meetingChanged(@Ctx() ctx: RequestContext, @Args('incidentId', { type: () => ID, nullable: true }, ParseIdPipe) incidentId?: string) {
    return this.meetings.changes(ctx, incidentId);
  }

  @ResolveField(() => Incident)
  @Allow(Role.VIEWER)
  incident(@Ctx() ctx: RequestContext, @Parent() meeting: Meeting) {
    return this.incidents.load(ctx, meeting.incidentId);
  }

  @ResolveField(() => Organisation, { description: 'The organisation that holds the meeting.' })
  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() meeting: Meeting) {
    return this.organisations.require(ctx, meeting.organisationId);
  }

  @ResolveField(() => [Organisation], { description: 'For a COORDINATION_CONFERENCE: the invited organisations (all participants when none were listed).' })
  @Allow(Role.VIEWER)
  async participants(@Ctx() ctx: RequestContext, @Parent() meeting: Meeting) {
    const ids = await this.meetings.participantIds(ctx, meeting);
    return Promise.all(ids.map((id) => this.organisations.require(ctx, id)));
  }

  @ResolveField(() => MeetingAgenda)
  @Allow(Role.VIEWER)
  agenda(@Ctx() ctx: RequestContext, @Parent() meeting: Meeting) {
    return this.meetings.agenda(ctx, meeting);
  }

  @ResolveField(() => [LogEntry], { description: 'Entries written at this meeting, by number.' })
  @Allow(Role.VIEWER)
  entries(@Ctx() ctx: RequestContext, @Parent() meeting: Meeting) {
    return this.meetings.entriesOf(ctx, meeting.id);
  }
}

/** `Incident.log` and `Incident.meetings` live with the staff log, so that incidents need not know it. */
@Resolver(() => Incident)
export class IncidentStaffLogResolver {
  constructor(
    private readonly entries: LogEntriesService,
    private readonly meetingsService: MeetingsService,
  ) {}

  @ResolveField(() => LogEntryConnection, { description: "The incident's staff log (logglista) as far as the viewer may read it, newest first." })
  @Allow(Role.VIEWER)
  log(@Ctx() ctx: RequestContext, @Parent() incident: Incident, @Args() args: IncidentLogArgs) {
    return this.entries.forIncident(ctx, incident.id, args.filter, args.first, args.after);
  }

  @ResolveField(() => [Meeting], { description: 'Meetings of this incident the viewer may see, by start time.' })
  @Allow(Role.VIEWER)
  meetings(@Ctx() ctx: RequestContext, @Parent() incident: Incident, @Args() args: IncidentMeetingsArgs) {
    return this.meetingsService.forIncident(ctx, incident.id, args.status);
  }
}
