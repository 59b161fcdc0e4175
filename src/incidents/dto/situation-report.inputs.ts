import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsDate, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ConnectionArgs } from '../../common/pagination/connection.js';
import { IsNotBlank } from '../../common/validation/patterns.js';
import { DAY_MS, IsTimeWithin } from '../../common/validation/time-window.decorator.js';
import { OperationalStatus, ReportVisibility } from '../models/incident.enums.js';

export const SITUATION_MAX = 10000;
export const REPORT_TEXT_MAX = 5000;
export const MAX_RECIPIENTS = 100;
/** A next report is due within days; a quarter of a year ahead is the sane limit. */
export const NEXT_REPORT_MAX_AHEAD_MS = 90 * DAY_MS;

@InputType()
export class SubmitSituationReportInput {
  @Field(() => ID)
  @IsUUID()
  incidentId: string;

  @Field(() => OperationalStatus)
  @IsEnum(OperationalStatus)
  operationalStatus: OperationalStatus;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(SITUATION_MAX)
  @IsNotBlank()
  situation: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_TEXT_MAX)
  consequences?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_TEXT_MAX)
  actionsTaken?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_TEXT_MAX)
  plannedActions?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_TEXT_MAX)
  needs?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_TEXT_MAX)
  forecast?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_TEXT_MAX)
  publicInformation?: string;

  @Field(() => ReportVisibility)
  @IsEnum(ReportVisibility)
  visibility: ReportVisibility;

  @Field(() => [ID], { nullable: true, description: 'Required and non-empty for RESTRICTED; each must take part in the incident.' })
  @IsOptional()
  @ArrayMaxSize(MAX_RECIPIENTS)
  @IsUUID('all', { each: true })
  recipientOrganisationIds?: string[];

  @Field(() => Date, { nullable: true, description: 'In the future, at most 90 days ahead.' })
  @IsOptional()
  @IsDate()
  @IsTimeWithin({ future: true, maxAheadMs: NEXT_REPORT_MAX_AHEAD_MS })
  nextReportDueAt?: Date;
}

/** Arguments of Incident.situationReports. */
@ArgsType()
export class SituationReportsArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}
