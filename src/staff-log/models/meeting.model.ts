import { Field, ID, ObjectType } from '@nestjs/graphql';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';
import { ApiScope } from '../../common/auth/roles.js';
import { ParticipantStatus } from '../../incidents/models/operational-picture.model.js';
import { LogEntry, toDate } from './log-entry.model.js';
import { MeetingKind, MeetingStatus } from './staff-log.enums.js';

/** A `meetings` row as the services select it (MEETING_COLUMNS); dates as ISO strings after the event bus. */
export interface MeetingRow {
  id: string;
  incident_id: string;
  kind: MeetingKind;
  title: string;
  organisation_id: string;
  listed_ids: string[];
  starts_at: Date | string;
  status: MeetingStatus;
  started_at: Date | string | null;
  closed_at: Date | string | null;
  next_meeting_at: Date | string | null;
  summary: string | null;
}

/** Columns of `meetings m`, with the listed participants. */
export const MEETING_COLUMNS = `m.id, m.incident_id, m.kind, m.title, m.organisation_id,
  ARRAY(SELECT mp.organisation_id FROM meeting_participants mp WHERE mp.meeting_id = m.id ORDER BY mp.organisation_id) AS listed_ids,
  m.starts_at, m.status, m.started_at, m.closed_at, m.next_meeting_at, m.summary`;

@RequiresScope(ApiScope.LOG_READ)
@ObjectType({ description: "A stabsmöte of one organisation or a samverkanskonferens of the incident's participants." })
export class Meeting {
  @Field(() => ID)
  id: string;

  incidentId: string;
  organisationId: string;
  /** The listed participants of a COORDINATION_CONFERENCE; empty: every participant of the incident. */
  listedOrganisationIds: string[];

  @Field(() => MeetingKind)
  kind: MeetingKind;

  @Field()
  title: string;

  @Field()
  startsAt: Date;

  @Field(() => MeetingStatus)
  status: MeetingStatus;

  @Field(() => Date, { nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  closedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the next meeting is planned, set when closing.' })
  nextMeetingAt: Date | null;

  @Field(() => String, { nullable: true, description: "The chair's summary, set when closing." })
  summary: string | null;

  static fromRow(r: MeetingRow): Meeting {
    return Object.assign(new Meeting(), {
      id: r.id,
      incidentId: r.incident_id,
      kind: r.kind,
      title: r.title,
      organisationId: r.organisation_id,
      listedOrganisationIds: r.listed_ids ?? [],
      startsAt: toDate(r.starts_at),
      status: r.status,
      startedAt: toDate(r.started_at),
      closedAt: toDate(r.closed_at),
      nextMeetingAt: toDate(r.next_meeting_at),
      summary: r.summary,
    });
  }
}

@RequiresScope(ApiScope.LOG_READ)
@ObjectType({ description: 'What a meeting goes through, built from the log and the picture when asked.' })
export class MeetingAgenda {
  @Field(() => Meeting, { nullable: true, description: 'The previous closed meeting of the same kind, host and incident, if any.' })
  previousMeeting: Meeting | null;

  @Field(() => [LogEntry], { description: 'Entries written since the previous meeting closed (all, if none), oldest first.' })
  newEntries: LogEntry[];

  @Field(() => [LogEntry], { description: 'Open NEED entries, oldest first.' })
  openNeeds: LogEntry[];

  @Field(() => [LogEntry], { description: 'Open QUESTION entries: what must be decided, oldest first.' })
  openQuestions: LogEntry[];

  @Field(() => [LogEntry], { description: "Open ACTION entries that are overdue or due before the meeting's nextMeetingAt, by dueAt." })
  actionsDue: LogEntry[];

  @Field(() => [ParticipantStatus], { description: "The participants' latest operational status, as in the operational picture." })
  participantStatus: ParticipantStatus[];
}
