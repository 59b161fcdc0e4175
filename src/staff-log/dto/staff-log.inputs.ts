import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsDate, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ConnectionArgs } from '../../common/pagination/connection.js';
import { IsNotBlank } from '../../common/validation/patterns.js';
import { DAY_MS, IsTimeWithin, MINUTE_MS } from '../../common/validation/time-window.decorator.js';
import { LogEntryKind, LogEntryStatus, LogVisibility, MeetingKind, MeetingStatus } from '../models/staff-log.enums.js';

export const LOG_TITLE_MAX = 200;
export const LOG_TEXT_MAX = 10000;
export const LOG_NOTE_MAX = 5000;
export const PERSON_MAX = 200;
export const REPORT_BACK_MAX = 500;
export const SUMMARY_MAX = 10000;
export const MAX_RECIPIENTS = 100;
/** Tasks and meetings are planned days or weeks ahead; a year is the sane limit. */
export const PLAN_MAX_AHEAD_MS = 365 * DAY_MS;
/** What happened cannot lie in the future; a few minutes of clock skew are allowed. */
export const CLOCK_SKEW_MS = 5 * MINUTE_MS;

@InputType()
export class WriteLogEntryInput {
  @Field(() => ID)
  @IsUUID()
  incidentId: string;

  @Field(() => LogEntryKind)
  @IsEnum(LogEntryKind)
  kind: LogEntryKind;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(LOG_TITLE_MAX)
  @IsNotBlank()
  title: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LOG_TEXT_MAX)
  text?: string;

  @Field(() => Date, { nullable: true, description: 'Defaults to now; not in the future.' })
  @IsOptional()
  @IsDate()
  @IsTimeWithin({ maxAheadMs: CLOCK_SKEW_MS })
  occurredAt?: Date;

  @Field(() => LogVisibility)
  @IsEnum(LogVisibility)
  visibility: LogVisibility;

  @Field(() => [ID], { nullable: true, description: 'Required and non-empty for RESTRICTED; each must take part in the incident.' })
  @IsOptional()
  @ArrayMaxSize(MAX_RECIPIENTS)
  @IsUUID('all', { each: true })
  recipientOrganisationIds?: string[];

  @Field(() => ID, { nullable: true, description: 'NEED, QUESTION, ACTION only; must take part in the incident and be able to read the entry.' })
  @IsOptional()
  @IsUUID()
  responsibleOrganisationId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(PERSON_MAX)
  @IsNotBlank()
  responsiblePerson?: string;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  @IsTimeWithin({ maxAheadMs: PLAN_MAX_AHEAD_MS })
  dueAt?: Date;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_BACK_MAX)
  reportBack?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  resourceRequestId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  meetingId?: string;
}

@InputType()
export class FollowUpLogEntryInput {
  @Field(() => ID)
  @IsUUID()
  entryId: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(LOG_NOTE_MAX)
  @IsNotBlank()
  note: string;

  @Field(() => LogEntryStatus, { nullable: true })
  @IsOptional()
  @IsEnum(LogEntryStatus)
  status?: LogEntryStatus;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  responsibleOrganisationId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(PERSON_MAX)
  @IsNotBlank()
  responsiblePerson?: string;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  @IsTimeWithin({ maxAheadMs: PLAN_MAX_AHEAD_MS })
  dueAt?: Date;
}

@InputType()
export class LogEntryFilter {
  @Field(() => [LogEntryKind], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(5)
  @IsEnum(LogEntryKind, { each: true })
  kind?: LogEntryKind[];

  @Field(() => [LogEntryStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(4)
  @IsEnum(LogEntryStatus, { each: true })
  status?: LogEntryStatus[];

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  responsibleOrganisationId?: string;

  @Field(() => Date, { nullable: true, description: 'Only entries whose dueAt is before this time.' })
  @IsOptional()
  @IsDate()
  @IsTimeWithin()
  dueBefore?: Date;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;

  @Field(() => Date, { nullable: true, description: 'Only entries written or followed up at or after this time.' })
  @IsOptional()
  @IsDate()
  @IsTimeWithin()
  changedSince?: Date;

  @Field(() => String, { nullable: true, description: 'Matches title, text, responsible person and follow-up notes.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

/** Arguments of Incident.log. */
@ArgsType()
export class IncidentLogArgs extends ConnectionArgs {
  @Field(() => LogEntryFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LogEntryFilter)
  filter?: LogEntryFilter;
}

/** Arguments of myLogTasks. */
@ArgsType()
export class MyLogTasksArgs extends ConnectionArgs {}

/** Arguments of Incident.meetings. */
@ArgsType()
export class IncidentMeetingsArgs {
  @Field(() => [MeetingStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(3)
  @IsEnum(MeetingStatus, { each: true })
  status?: MeetingStatus[];
}

@InputType()
export class ScheduleMeetingInput {
  @Field(() => ID)
  @IsUUID()
  incidentId: string;

  @Field(() => MeetingKind)
  @IsEnum(MeetingKind)
  kind: MeetingKind;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsNotBlank()
  title: string;

  @Field()
  @IsDate()
  @IsTimeWithin({ maxAheadMs: PLAN_MAX_AHEAD_MS })
  startsAt: Date;

  @Field(() => [ID], { nullable: true, description: 'COORDINATION_CONFERENCE only; each must take part in the incident.' })
  @IsOptional()
  @ArrayMaxSize(MAX_RECIPIENTS)
  @IsUUID('all', { each: true })
  participantOrganisationIds?: string[];
}

@InputType()
export class CloseMeetingInput {
  @Field(() => ID)
  @IsUUID()
  meetingId: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(SUMMARY_MAX)
  summary?: string;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  @IsTimeWithin({ future: true, maxAheadMs: PLAN_MAX_AHEAD_MS })
  nextMeetingAt?: Date;
}
