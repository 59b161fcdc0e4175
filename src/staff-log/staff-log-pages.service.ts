import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request/request-context.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { LogEntriesService } from './log-entries.service.js';
import { MeetingsService } from './meetings.service.js';
import type { LogEntry, LogEntryUpdate } from './models/log-entry.model.js';
import type { Meeting } from './models/meeting.model.js';

export interface PageIncident {
  id: string;
  reference: string;
  title: string;
  exercise: boolean;
}

export interface PageUpdate {
  note: string;
  status: string | null;
  organisation: string;
  createdAt: string;
}

export interface PageEntry {
  id: string;
  number: number;
  kind: string;
  title: string;
  text: string | null;
  organisation: string;
  visibility: string;
  occurredAt: string;
  createdAt: string;
  status: string;
  overdue: boolean;
  responsibleOrganisation: string | null;
  responsiblePerson: string | null;
  dueAt: string | null;
  reportBack: string | null;
  updates?: PageUpdate[];
}

export interface PageMeeting {
  id: string;
  kind: string;
  title: string;
  organisation: string;
  status: string;
  startsAt: string;
  startedAt: string | null;
  closedAt: string | null;
  nextMeetingAt: string | null;
  summary: string | null;
}

/** The incident's log as an ICS-214-style activity log: every entry the caller may read, oldest first, with its follow-ups. */
export interface ActivityLogPage {
  incident: PageIncident;
  generatedAt: string;
  entries: PageEntry[];
}

export interface AgendaPage {
  incident: PageIncident;
  meeting: PageMeeting;
  generatedAt: string;
  previousMeeting: PageMeeting | null;
  newEntries: PageEntry[];
  openNeeds: PageEntry[];
  openQuestions: PageEntry[];
  actionsDue: PageEntry[];
  participantStatus: { organisation: string; operationalStatus: string | null; reportOverdue: boolean }[];
}

/** The minutes of a meeting: what was decided and set in motion at it, and the chair's summary. */
export interface MinutesPage {
  incident: PageIncident;
  meeting: PageMeeting;
  generatedAt: string;
  decisions: PageEntry[];
  actions: PageEntry[];
  otherEntries: PageEntry[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The data of the printable pages (HTML and JSON alike), read through the same services and
 * access rules as GraphQL: what the caller may not read is not on the page, and a meeting or
 * incident it may not see is NOT_FOUND.
 */
@Injectable()
export class StaffLogPagesService {
  constructor(
    private readonly entries: LogEntriesService,
    private readonly meetings: MeetingsService,
    private readonly incidents: IncidentsService,
    private readonly organisations: OrganisationsService,
  ) {}

  async activityLog(ctx: RequestContext, idOrReference: string, isId: boolean): Promise<ActivityLogPage> {
    const incidentId = await this.entries.visibleIncidentId(ctx, idOrReference, isId);
    const { entries, updates } = await this.entries.activityLog(ctx, incidentId);
    return {
      incident: await this.incident(ctx, incidentId),
      generatedAt: new Date().toISOString(),
      entries: await Promise.all(entries.map((e) => this.entry(ctx, e, updates.get(e.id) ?? []))),
    };
  }

  async agenda(ctx: RequestContext, meetingId: string): Promise<AgendaPage> {
    const meeting = await this.meetings.findVisible(ctx, meetingId);
    const agenda = await this.meetings.agenda(ctx, meeting);
    const list = (entries: LogEntry[]) => Promise.all(entries.map((e) => this.entry(ctx, e)));
    return {
      incident: await this.incident(ctx, meeting.incidentId),
      meeting: await this.meeting(ctx, meeting),
      generatedAt: new Date().toISOString(),
      previousMeeting: agenda.previousMeeting ? await this.meeting(ctx, agenda.previousMeeting) : null,
      newEntries: await list(agenda.newEntries),
      openNeeds: await list(agenda.openNeeds),
      openQuestions: await list(agenda.openQuestions),
      actionsDue: await list(agenda.actionsDue),
      participantStatus: agenda.participantStatus.map((s) => ({ organisation: s.organisation.name, operationalStatus: s.operationalStatus, reportOverdue: s.reportOverdue })),
    };
  }

  async minutes(ctx: RequestContext, meetingId: string): Promise<MinutesPage> {
    const meeting = await this.meetings.findVisible(ctx, meetingId);
    const written = await Promise.all((await this.meetings.entriesOf(ctx, meeting.id)).map((e) => this.entry(ctx, e)));
    return {
      incident: await this.incident(ctx, meeting.incidentId),
      meeting: await this.meeting(ctx, meeting),
      generatedAt: new Date().toISOString(),
      decisions: written.filter((e) => e.kind === 'DECISION'),
      actions: written.filter((e) => e.kind === 'ACTION'),
      otherEntries: written.filter((e) => e.kind !== 'DECISION' && e.kind !== 'ACTION'),
    };
  }

  private async incident(ctx: RequestContext, id: string): Promise<PageIncident> {
    const i = await this.incidents.load(ctx, id);
    return { id: i.id, reference: i.reference, title: i.title, exercise: i.exercise };
  }

  private async name(ctx: RequestContext, organisationId: string | null): Promise<string | null> {
    return organisationId ? (await this.organisations.require(ctx, organisationId)).name : null;
  }

  private async meeting(ctx: RequestContext, m: Meeting): Promise<PageMeeting> {
    return {
      id: m.id,
      kind: m.kind,
      title: m.title,
      organisation: (await this.name(ctx, m.organisationId))!,
      status: m.status,
      startsAt: m.startsAt.toISOString(),
      startedAt: iso(m.startedAt),
      closedAt: iso(m.closedAt),
      nextMeetingAt: iso(m.nextMeetingAt),
      summary: m.summary,
    };
  }

  private async entry(ctx: RequestContext, e: LogEntry, updates?: LogEntryUpdate[]): Promise<PageEntry> {
    return {
      id: e.id,
      number: e.number,
      kind: e.kind,
      title: e.title,
      text: e.text,
      organisation: (await this.name(ctx, e.organisationId))!,
      visibility: e.visibility,
      occurredAt: e.occurredAt.toISOString(),
      createdAt: e.createdAt.toISOString(),
      status: e.status,
      overdue: e.overdue,
      responsibleOrganisation: await this.name(ctx, e.responsibleOrganisationId),
      responsiblePerson: e.responsiblePerson,
      dueAt: iso(e.dueAt),
      reportBack: e.reportBack,
      ...(updates
        ? {
            updates: await Promise.all(
              updates.map(async (u) => ({ note: u.note, status: u.status, organisation: (await this.name(ctx, u.organisationId))!, createdAt: u.createdAt.toISOString() })),
            ),
          }
        : {}),
    };
  }
}
