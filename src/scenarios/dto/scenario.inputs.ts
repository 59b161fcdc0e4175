import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDate,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ConnectionArgs } from '../../common/pagination/connection.js';
import { IsNotBlank } from '../../common/validation/patterns.js';
import { IsTimeWithin } from '../../common/validation/time-window.decorator.js';
import { CommunicationChannel } from '../../communication-links/models/communication-link-enums.js';
import { DESCRIPTION_MAX, MAX_INVITED, START_CLOCK_SKEW_MS, TITLE_MAX } from '../../incidents/dto/incident.inputs.js';
import { IncidentCategory } from '../../incidents/models/incident.enums.js';
import { MAX_QUANTITY } from '../../resources/dto/resource.inputs.js';
import { ResourceRequestPriority } from '../../resources/models/resource.enums.js';
import { LOG_TEXT_MAX, LOG_TITLE_MAX } from '../../staff-log/dto/staff-log.inputs.js';
import { LogEntryKind, MeetingKind } from '../../staff-log/models/staff-log.enums.js';

export const SCENARIO_NAME_MAX = 200;
/** Offsets are minutes after the activation: at most 30 days ahead, which no first task needs to exceed. */
export const OFFSET_MAX_MINUTES = 30 * 24 * 60;
/** The reporting rhythm: between a quarter of an hour and a week. */
export const REPORT_INTERVAL_MIN = 15;
export const REPORT_INTERVAL_MAX = 7 * 24 * 60;
export const MAX_SCENARIO_ITEMS = 50;
/** A local time of day, HH:MM (24 h). */
export const TIME_OF_DAY = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

@InputType()
export class ScenarioLinkInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsNotBlank()
  name: string;

  @Field(() => CommunicationChannel)
  @IsEnum(CommunicationChannel)
  channel: CommunicationChannel;

  @Field({ description: 'Talkgroup, phone number, meeting address or place, as the channel needs.' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @IsNotBlank()
  address: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  schedule?: string;

  @Field(() => [ID], { description: 'Invited besides the lead (which initiates); each must be the lead or one of participantOrganisationIds.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INVITED)
  @IsUUID('all', { each: true })
  participantOrganisationIds: string[];
}

@InputType()
export class ScenarioLogEntryInput {
  @Field(() => LogEntryKind, { description: 'INFORMATION, NEED, QUESTION or ACTION (a DECISION answers a question at a meeting).' })
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

  @Field(() => ID, { nullable: true, description: 'NEED, QUESTION, ACTION only; the lead or one of participantOrganisationIds.' })
  @IsOptional()
  @IsUUID()
  responsibleOrganisationId?: string;

  @Field(() => Int, { nullable: true, description: 'NEED, QUESTION, ACTION only: due this many minutes after the activation.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(OFFSET_MAX_MINUTES)
  dueOffsetMinutes?: number;
}

@InputType()
export class ScenarioMeetingInput {
  @Field(() => MeetingKind)
  @IsEnum(MeetingKind)
  kind: MeetingKind;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsNotBlank()
  title: string;

  @Field(() => Int, { description: 'Minutes after the activation; each meeting at or after the one before it.' })
  @IsInt()
  @Min(0)
  @Max(OFFSET_MAX_MINUTES)
  offsetMinutes: number;

  @Field(() => String, { nullable: true, description: "HH:MM in the hub's time zone: a follow-up meeting at the next such time after this one." })
  @IsOptional()
  @IsString()
  @Matches(TIME_OF_DAY, { message: 'dailyAt must be HH:MM' })
  dailyAt?: string;
}

@InputType()
export class ScenarioResourceNeedInput {
  @Field(() => ID)
  @IsUUID()
  resourceTypeId: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity: number;

  @Field(() => ResourceRequestPriority, { nullable: true, description: 'Defaults to NORMAL.' })
  @IsOptional()
  @IsEnum(ResourceRequestPriority)
  priority?: ResourceRequestPriority;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  justification?: string;
}

/** What an activation starts; replaced as a whole by each edit (a new version). */
@InputType()
export class ScenarioContentInput {
  @Field(() => IncidentCategory)
  @IsEnum(IncidentCategory)
  category: IncidentCategory;

  @Field({ description: "The incident's default title." })
  @IsString()
  @MinLength(3)
  @MaxLength(TITLE_MAX)
  @IsNotBlank()
  title: string;

  @Field({ description: "The incident's default description." })
  @IsString()
  @MinLength(1)
  @MaxLength(DESCRIPTION_MAX)
  @IsNotBlank()
  description: string;

  @Field(() => ID)
  @IsUUID()
  leadOrganisationId: string;

  @Field(() => [ID], { nullable: true, description: 'The organisations that join besides the lead.' })
  @IsOptional()
  @ArrayMaxSize(MAX_INVITED)
  @IsUUID('all', { each: true })
  participantOrganisationIds?: string[];

  @Field(() => Int, { nullable: true, description: 'Minutes: how often each participant is asked to report.' })
  @IsOptional()
  @IsInt()
  @Min(REPORT_INTERVAL_MIN)
  @Max(REPORT_INTERVAL_MAX)
  reportIntervalMinutes?: number;

  @Field(() => [ScenarioLinkInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_SCENARIO_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ScenarioLinkInput)
  links?: ScenarioLinkInput[];

  @Field(() => [ScenarioLogEntryInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_SCENARIO_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ScenarioLogEntryInput)
  logEntries?: ScenarioLogEntryInput[];

  @Field(() => [ScenarioMeetingInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_SCENARIO_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ScenarioMeetingInput)
  meetings?: ScenarioMeetingInput[];

  @Field(() => [ScenarioResourceNeedInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_SCENARIO_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ScenarioResourceNeedInput)
  resourceNeeds?: ScenarioResourceNeedInput[];
}

@InputType()
export class CreateScenarioInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(SCENARIO_NAME_MAX)
  @IsNotBlank()
  name: string;

  @Field(() => Boolean, { nullable: true, description: "True: a regional scenario (COORDINATOR), visible to all; otherwise the caller's organisation owns it." })
  @IsOptional()
  @IsBoolean()
  shared?: boolean;

  @Field(() => ScenarioContentInput)
  @ValidateNested()
  @Type(() => ScenarioContentInput)
  content: ScenarioContentInput;
}

@InputType()
export class UpdateScenarioInput {
  @Field(() => ID)
  @IsUUID()
  scenarioId: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SCENARIO_NAME_MAX)
  @IsNotBlank()
  name?: string;

  @Field(() => ScenarioContentInput, { nullable: true, description: "Replaces the content as a whole; omitted: the current version's." })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScenarioContentInput)
  content?: ScenarioContentInput;
}

@InputType()
export class ActivateScenarioInput {
  @Field(() => ID)
  @IsUUID()
  scenarioId: string;

  @Field(() => String, { nullable: true, description: "Defaults to the scenario's title." })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(TITLE_MAX)
  @IsNotBlank()
  title?: string;

  @Field(() => String, { nullable: true, description: "Defaults to the scenario's description." })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(DESCRIPTION_MAX)
  @IsNotBlank()
  description?: string;

  @Field({ description: 'True for an exercise (övning).' })
  @IsBoolean()
  exercise: boolean;

  @Field(() => Date, { nullable: true, description: 'Defaults to now; not in the future. Due times and meetings are counted from it.' })
  @IsOptional()
  @IsDate()
  @IsTimeWithin({ maxAheadMs: START_CLOCK_SKEW_MS })
  startedAt?: Date;
}

@InputType()
export class ScenarioFilter {
  @Field(() => Boolean, { nullable: true, description: 'Defaults to false: archived scenarios are listed only when asked for.' })
  @IsOptional()
  @IsBoolean()
  archived?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'True: regional scenarios only; false: organisations\' own only.' })
  @IsOptional()
  @IsBoolean()
  shared?: boolean;

  @Field(() => String, { nullable: true, description: 'Matches the name.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

@ArgsType()
export class ScenariosArgs extends ConnectionArgs {
  @Field(() => ScenarioFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScenarioFilter)
  filter?: ScenarioFilter;
}
