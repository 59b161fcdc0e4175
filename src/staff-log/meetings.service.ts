import { Injectable } from '@nestjs/common';
import { Permission } from '../common/access/permission.js';
import { seesAllIncidents } from '../common/auth/principal.js';
import { BadUserInputError, ConflictError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { selectEvents } from '../common/events/select-events.js';
import { listLoader, rowLoader } from '../common/loaders/row-loader.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { Tx } from '../database/transaction.service.js';
import { lockOpenIncident } from '../incidents/incident-locks.js';
import type { IncidentFacts } from '../incidents/incidents.access.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import type { ParticipantStatus } from '../incidents/models/operational-picture.model.js';
import { OperationalPictureService } from '../incidents/operational-picture.service.js';
import type { CloseMeetingInput, ScheduleMeetingInput } from './dto/staff-log.inputs.js';
import { LogEntriesService, blankToNull } from './log-entries.service.js';
import { ENTRY_COLUMNS, LogEntry, type LogEntryRow } from './models/log-entry.model.js';
import { Meeting, MEETING_COLUMNS, MeetingAgenda, type MeetingRow } from './models/meeting.model.js';
import { MeetingKind, MeetingStatus } from './models/staff-log.enums.js';
import { MEETING_CHANGED, type MeetingChangedEvent } from './staff-log-events.js';
import { readableEntrySql, visibleMeetingSql, type MeetingFacts } from './staff-log.access.js';
import { FeatureKit } from '../database/feature-kit.js';

const ALL_STATUSES = [MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS, MeetingStatus.CLOSED];

type AgendaSection = 'new' | 'need' | 'question' | 'action';

/**
 * Meetings: a STAFF_MEETING of one organisation (internal to it) or a COORDINATION_CONFERENCE
 * of the incident's participants (or the listed ones). Scheduled, started and closed with a
 * summary and the next meeting's time; the agenda is built from the log when asked.
 */
@Injectable()
export class MeetingsService {
  constructor(
    private readonly kit: FeatureKit,
    private readonly incidents: IncidentsService,
    private readonly picture: OperationalPictureService,
    private readonly entries: LogEntriesService,
  ) {}

  // ------------------------------------------------------------------ reading

  /** `meeting(id)`: NOT_FOUND alike for a meeting that does not exist and one the caller may not see. */
  async findVisible(ctx: RequestContext, id: string): Promise<Meeting> {
    const row = await this.kit.access.readChecked(ctx, Permission.MeetingRead, id, () => this.loader(ctx).load(id.toLowerCase()));
    return Meeting.fromRow(row);
  }

  /** LogEntry.meeting: the meeting an entry was written at, when the caller may see it. */
  async visibleOrNull(ctx: RequestContext, id: string | null): Promise<Meeting | null> {
    if (!id) return null;
    if (!(await this.kit.access.checkAccess(ctx, Permission.MeetingRead, [id])).has(id)) return null;
    const row = await this.loader(ctx).load(id);
    return row ? Meeting.fromRow(row) : null;
  }

  private loader(ctx: RequestContext) {
    return rowLoader<MeetingRow>(ctx, this.kit.db, 'meeting', `SELECT ${MEETING_COLUMNS} FROM meetings m WHERE m.id = ANY($1::uuid[])`);
  }

  /** `Incident.meetings`: the meetings of a visible incident the caller may see, by start time; one statement per request. */
  async forIncident(ctx: RequestContext, incidentId: string, statuses?: MeetingStatus[]): Promise<Meeting[]> {
    const p = ctx.who;
    const wanted = statuses?.length ? statuses : ALL_STATUSES;
    const loader = listLoader<MeetingRow>(
      ctx,
      'incidentMeetings',
      (ids) =>
        this.kit.db.query(
          `SELECT ${MEETING_COLUMNS} FROM meetings m WHERE m.incident_id = ANY($1::uuid[]) AND ${visibleMeetingSql('$2', '$3')} ORDER BY m.starts_at, m.id`,
          [ids, p.organisationId, seesAllIncidents(p)],
        ),
      (r) => r.incident_id,
    );
    return (await loader.load(incidentId)).filter((r) => wanted.includes(r.status)).map(Meeting.fromRow);
  }

  /** Meeting.participants: the host alone for a staff meeting; the listed organisations, or every participant of the incident. */
  async participantIds(ctx: RequestContext, meeting: Meeting): Promise<string[]> {
    if (meeting.kind === MeetingKind.STAFF_MEETING) return [meeting.organisationId];
    if (meeting.listedOrganisationIds.length) return meeting.listedOrganisationIds;
    return (await this.incidents.participants(ctx, meeting.incidentId)).map((p) => p.organisationId);
  }

  /** Meeting.entries: the entries written at the meeting that the caller may read, by number. */
  async entriesOf(ctx: RequestContext, meetingId: string): Promise<LogEntry[]> {
    const p = ctx.who;
    const loader = listLoader<LogEntry, LogEntryRow>(
      ctx,
      'meetingEntries',
      (ids) =>
        this.kit.db.query(`SELECT ${ENTRY_COLUMNS} FROM log_entries e WHERE e.meeting_id = ANY($1::uuid[]) AND ${readableEntrySql('$2')} ORDER BY e.number`, [
          ids,
          p.organisationId,
        ]),
      (r) => r.meeting_id ?? '',
      LogEntry.fromRow,
    );
    return loader.load(meetingId);
  }

  /**
   * Meeting.agenda, built when asked, in a constant number of statements whatever the log's
   * size: the previous closed meeting of the same kind, host and incident; then, in one
   * statement, the entries written since it closed (up to this meeting's start, once started),
   * the open needs and questions, and the open actions overdue or due by this meeting or the
   * next; each only as far as the caller may read it, and for a conference without anyone's
   * internal entries; then the participants' status from the operational picture.
   */
  async agenda(ctx: RequestContext, meeting: Meeting): Promise<MeetingAgenda> {
    const p = ctx.who;
    const [previous]: MeetingRow[] = await this.kit.db.query(
      `SELECT ${MEETING_COLUMNS} FROM meetings m
        WHERE m.incident_id = $1 AND m.kind = $2 AND m.organisation_id = $3 AND m.status = 'CLOSED' AND m.id <> $4
          AND m.closed_at <= COALESCE($5::timestamptz, m.closed_at)
        ORDER BY m.closed_at DESC, m.id LIMIT 1`,
      [meeting.incidentId, meeting.kind, meeting.organisationId, meeting.id, meeting.startedAt],
    );
    const rows: (LogEntryRow & { section: AgendaSection })[] = await this.kit.db.query(
      `WITH sections AS (
         SELECT 'new' AS section, e.id FROM log_entries e
          WHERE e.incident_id = $1 AND e.created_at > COALESCE($2::timestamptz, '-infinity') AND ($3::timestamptz IS NULL OR e.created_at < $3)
         UNION ALL
         SELECT CASE e.kind WHEN 'NEED' THEN 'need' WHEN 'QUESTION' THEN 'question' ELSE 'action' END, e.id FROM log_entries e
          WHERE e.incident_id = $1 AND e.status IN ('OPEN','IN_PROGRESS')
            AND (e.kind IN ('NEED','QUESTION')
                 OR (e.kind = 'ACTION' AND (e.due_at < now() OR e.due_at <= $4::timestamptz OR e.due_at <= $5::timestamptz))))
       SELECT s.section, ${ENTRY_COLUMNS} FROM sections s JOIN log_entries e ON e.id = s.id
        WHERE ${readableEntrySql('$6')} AND ($7::boolean OR e.visibility <> 'INTERNAL')
        ORDER BY CASE WHEN s.section = 'action' THEN e.due_at END, e.number`,
      [
        meeting.incidentId,
        previous?.closed_at ?? null,
        meeting.startedAt,
        meeting.nextMeetingAt,
        meeting.startsAt,
        p.organisationId,
        meeting.kind === MeetingKind.STAFF_MEETING,
      ],
    );
    this.entries.prime(ctx, rows);
    const of = (section: AgendaSection) => rows.filter((r) => r.section === section).map(LogEntry.fromRow);
    return Object.assign(new MeetingAgenda(), {
      previousMeeting: previous ? Meeting.fromRow(previous) : null,
      newEntries: of('new'),
      openNeeds: of('need'),
      openQuestions: of('question'),
      actionsDue: of('action'),
      participantStatus: await this.participantStatus(ctx, meeting),
    });
  }

  /** The operational picture's lines of the meeting's participants (of every participant for a staff meeting). */
  private async participantStatus(ctx: RequestContext, meeting: Meeting): Promise<ParticipantStatus[]> {
    const picture = await this.picture.picture(ctx, meeting.incidentId);
    const listed = meeting.kind === MeetingKind.COORDINATION_CONFERENCE && meeting.listedOrganisationIds.length ? new Set(meeting.listedOrganisationIds) : null;
    return listed ? picture.participants.filter((s) => listed.has(s.organisationId)) : picture.participants;
  }

  // ------------------------------------------------------------------ changing

  /**
   * STAFF_MEETING: a participant schedules its own (IncidentContribute). COORDINATION_CONFERENCE:
   * the lead organisation or a COORDINATOR (IncidentUpdate's rule), for every participant or
   * the listed ones (the host among them).
   */
  async schedule(ctx: RequestContext, input: ScheduleMeetingInput): Promise<Meeting> {
    const incidentId = input.incidentId.toLowerCase();
    const conference = input.kind === MeetingKind.COORDINATION_CONFERENCE;
    return this.incidents.inOpenIncident(ctx, incidentId, conference ? Permission.IncidentUpdate : Permission.IncidentContribute, (tx, incident) =>
      this.scheduleIn(ctx, tx, incident, ctx.who.organisationId, { ...input, incidentId }),
    );
  }

  /**
   * The scheduling itself, inside the caller's transaction, hosted by `organisationId` (the
   * caller's own, or a scenario's lead at activation), in an incident the caller has checked
   * access to and share-locked (`incident`: its participants then).
   */
  async scheduleIn(ctx: RequestContext, tx: Tx, incident: IncidentFacts, organisationId: string, input: ScheduleMeetingInput): Promise<Meeting> {
    const p = ctx.who;
    const incidentId = input.incidentId;
    const conference = input.kind === MeetingKind.COORDINATION_CONFERENCE;
    if (!conference && input.participantOrganisationIds?.length) {
      throw BadUserInputError.field('input.participantOrganisationIds', 'input.participantOrganisationIds is only for a COORDINATION_CONFERENCE');
    }
    const invited = [...new Set((input.participantOrganisationIds ?? []).map((id) => id.toLowerCase()))];
    const outsiders = invited.filter((id) => !incident.participantOrganisationIds.includes(id));
    if (outsiders.length) {
      throw BadUserInputError.field('input.participantOrganisationIds', `input.participantOrganisationIds must take part in the incident: ${outsiders.join(', ')}`);
    }
    const [{ id }] = await tx.query<{ id: string }>(
      `INSERT INTO meetings (incident_id, kind, title, organisation_id, starts_at, created_by_user_id, created_by_api_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [incidentId, input.kind, input.title.trim(), organisationId, input.startsAt, p.userId, p.apiKeyId],
    );
    const listed = invited.length ? [...new Set([organisationId, ...invited])] : [];
    if (listed.length) await tx.query(`INSERT INTO meeting_participants (meeting_id, organisation_id) SELECT $1, unnest($2::uuid[])`, [id, listed]);
    const row = await this.selectRow(tx, id);
    tx.audit({ action: 'meeting.schedule', entityType: 'Meeting', entityId: id, details: { incidentId, kind: input.kind, title: row.title, startsAt: row.starts_at, participantOrganisationIds: listed } });
    this.publishAfterCommit(tx, row, incident.participantOrganisationIds);
    return Meeting.fromRow(row);
  }

  /** PLANNED → IN_PROGRESS; entries its host writes meanwhile belong to it. */
  async start(ctx: RequestContext, id: string): Promise<Meeting> {
    return this.transition(ctx, id, MeetingStatus.PLANNED, 'meeting.start', `status = 'IN_PROGRESS', started_at = clock_timestamp()`, []);
  }

  /** IN_PROGRESS → CLOSED, with the chair's summary and the next meeting's time. */
  async close(ctx: RequestContext, input: CloseMeetingInput): Promise<Meeting> {
    return this.transition(
      ctx,
      input.meetingId,
      MeetingStatus.IN_PROGRESS,
      'meeting.close',
      `status = 'CLOSED', closed_at = clock_timestamp(), summary = $2, next_meeting_at = $3`,
      [blankToNull(input.summary), input.nextMeetingAt ?? null],
      { summary: blankToNull(input.summary), nextMeetingAt: input.nextMeetingAt ?? null },
    );
  }

  private async transition(
    ctx: RequestContext,
    rawId: string,
    from: MeetingStatus,
    action: string,
    set: string,
    params: unknown[],
    details: Record<string, unknown> = {},
  ): Promise<Meeting> {
    const id = rawId.toLowerCase();
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.MeetingManage, id, tx.manager);
      const [{ incident_id: incidentId }] = await tx.query<{ incident_id: string }>(`SELECT incident_id FROM meetings WHERE id = $1`, [id]);
      const incident = await lockOpenIncident(tx, incidentId);
      const [{ status }] = await tx.query<{ status: MeetingStatus }>(`SELECT status FROM meetings WHERE id = $1 FOR UPDATE`, [id]);
      if (status !== from) throw new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, `The meeting is ${status}; only a ${from} meeting can be ${action === 'meeting.start' ? 'started' : 'closed'}`);
      await tx.query(`UPDATE meetings SET ${set} WHERE id = $1`, [id, ...params]);
      const row = await this.selectRow(tx, id);
      tx.audit({ action, entityType: 'Meeting', entityId: id, details: { incidentId, previousStatus: status, ...details } });
      this.publishAfterCommit(tx, row, incident.participantOrganisationIds);
      return Meeting.fromRow(row);
    });
  }

  private async selectRow(tx: Tx, id: string): Promise<MeetingRow> {
    const [row] = await tx.query<MeetingRow>(`SELECT ${MEETING_COLUMNS} FROM meetings m WHERE m.id = $1`, [id]);
    return row;
  }

  private publishAfterCommit(tx: Tx, row: MeetingRow, participantOrganisationIds: readonly string[]): void {
    const event: MeetingChangedEvent = { meeting: JSON.parse(JSON.stringify(row)), participantOrganisationIds: [...participantOrganisationIds] };
    tx.onCommit(() => this.kit.events.publish<MeetingChangedEvent>(MEETING_CHANGED, event));
  }

  // ------------------------------------------------------------------ subscriptions

  /** `meetingChanged(incidentId)`: each change of a meeting this subscriber could read with `meeting(id)` (MeetingRead's fromFacts). */
  async changes(ctx: RequestContext, incidentId?: string) {
    const p = ctx.who;
    const wanted = incidentId?.toLowerCase();
    if (wanted) await this.kit.access.requireAccess(ctx, Permission.IncidentRead, wanted);
    const source = this.kit.events.asyncIterator<MeetingChangedEvent>(MEETING_CHANGED);
    return selectEvents(ctx, 'meetingChanged', source, async (e) => {
      if (wanted && e.meeting.incident_id !== wanted) return undefined;
      const facts: MeetingFacts = {
        participantOrganisationIds: e.participantOrganisationIds,
        organisationId: e.meeting.organisation_id,
        kind: e.meeting.kind,
        listedOrganisationIds: e.meeting.listed_ids,
      };
      return this.kit.access.allowsByFacts(p, Permission.MeetingRead, facts) ? Meeting.fromRow(e.meeting) : undefined;
    });
  }
}
