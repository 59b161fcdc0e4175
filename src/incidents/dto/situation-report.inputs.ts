import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsDate, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ConnectionArgs } from '../../common/pagination/connection.js';
import { OperationalStatus, ReportVisibility } from '../models/incident.enums.js';

export const SITUATION_MAX = 10000;
export const REPORT_TEXT_MAX = 5000;
export const MAX_RECIPIENTS = 100;

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

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
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
