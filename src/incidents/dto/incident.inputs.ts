import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsDate, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsNotBlank } from '../../common/validation/patterns.js';
import { IsTimeWithin, MINUTE_MS } from '../../common/validation/time-window.decorator.js';
import { GeoPointInput } from '../models/geo-point.model.js';
import { IncidentCategory, IncidentStatus } from '../models/incident.enums.js';

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 10000;
export const LOCATION_NAME_MAX = 200;
export const MAX_INVITED = 100;
/** How far ahead of the hub's clock a start time may be: the reporter's clock may run fast. */
export const START_CLOCK_SKEW_MS = 5 * MINUTE_MS;

@InputType()
export class CreateIncidentInput {
  @Field()
  @IsString()
  @MinLength(3)
  @MaxLength(TITLE_MAX)
  @IsNotBlank()
  title: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(DESCRIPTION_MAX)
  @IsNotBlank()
  description: string;

  @Field(() => IncidentCategory)
  @IsEnum(IncidentCategory)
  category: IncidentCategory;

  @Field(() => Boolean, { nullable: true, description: 'Defaults to false.' })
  @IsOptional()
  @IsBoolean()
  exercise?: boolean;

  @Field(() => GeoPointInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoPointInput)
  location?: GeoPointInput;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LOCATION_NAME_MAX)
  locationName?: string;

  @Field(() => Date, { nullable: true, description: 'Defaults to now; not in the future.' })
  @IsOptional()
  @IsDate()
  @IsTimeWithin({ maxAheadMs: START_CLOCK_SKEW_MS })
  startedAt?: Date;

  @Field(() => [ID], { nullable: true, description: "Organisations invited at once, besides the creator's own (which leads)." })
  @IsOptional()
  @ArrayMaxSize(MAX_INVITED)
  @IsUUID('all', { each: true })
  participantOrganisationIds?: string[];
}

@InputType()
export class UpdateIncidentInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(TITLE_MAX)
  @IsNotBlank()
  title?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(DESCRIPTION_MAX)
  @IsNotBlank()
  description?: string;

  @Field(() => IncidentCategory, { nullable: true })
  @IsOptional()
  @IsEnum(IncidentCategory)
  category?: IncidentCategory;

  @Field(() => IncidentStatus, { nullable: true })
  @IsOptional()
  @IsEnum(IncidentStatus)
  status?: IncidentStatus;

  @Field(() => GeoPointInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoPointInput)
  location?: GeoPointInput;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LOCATION_NAME_MAX)
  locationName?: string;
}

@InputType()
export class IncidentFilter {
  @Field(() => [IncidentStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(3)
  @IsEnum(IncidentStatus, { each: true })
  status?: IncidentStatus[];

  @Field(() => [IncidentCategory], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(16)
  @IsEnum(IncidentCategory, { each: true })
  category?: IncidentCategory[];

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  participantOrganisationId?: string;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  exercise?: boolean;

  @Field(() => String, { nullable: true, description: 'Matches title, description, reference and location name.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}
