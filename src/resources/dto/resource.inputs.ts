import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsEnum, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { CODE_PATTERN, IsNotBlank } from '../../common/validation/patterns.js';
import { DAY_MS, IsTimeWithin } from '../../common/validation/time-window.decorator.js';
import { GeoPointInput } from '../../incidents/models/geo-point.model.js';
import { ResourceCategory, ResourceRequestPriority } from '../models/resource.enums.js';

/** Quantities are whole units; a million of anything is beyond any regional inventory. */
export const MAX_QUANTITY = 1_000_000;
/** A request is for the crisis at hand: needed within a year at the latest. */
export const NEEDED_BY_MAX_AHEAD_MS = 365 * DAY_MS;

@InputType()
export class CreateResourceTypeInput {
  @Field()
  @Matches(CODE_PATTERN, { message: 'code must be 2–50 capital letters, digits, - or _' })
  code: string;

  @Field()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  @IsNotBlank()
  name: string;

  @Field(() => ResourceCategory)
  @IsEnum(ResourceCategory)
  category: ResourceCategory;

  @Field({ description: 'Unit of quantity, e.g. pcs, persons, litres.' })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @IsNotBlank()
  unit: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

@InputType()
export class SetResourceHoldingInput {
  @Field(() => ID, { nullable: true, description: "Defaults to the caller's organisation; another organisation needs ADMIN." })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @Field(() => ID)
  @IsUUID()
  resourceTypeId: string;

  @Field(() => Int, { description: 'May not go below what is currently committed to loans (CONFLICT).' })
  @IsInt()
  @Min(0)
  @Max(MAX_QUANTITY)
  quantityTotal: number;

  @Field(() => GeoPointInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoPointInput)
  location?: GeoPointInput | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  locationName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string | null;
}

@InputType()
export class CreateResourceRequestInput {
  @Field(() => ID)
  @IsUUID()
  incidentId: string;

  @Field(() => ID)
  @IsUUID()
  resourceTypeId: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity: number;

  @Field(() => ResourceRequestPriority, { nullable: true })
  @IsOptional()
  @IsEnum(ResourceRequestPriority)
  priority?: ResourceRequestPriority;

  @Field(() => Date, { nullable: true, description: 'In the future, at most a year ahead.' })
  @IsOptional()
  @IsDate()
  @IsTimeWithin({ future: true, maxAheadMs: NEEDED_BY_MAX_AHEAD_MS })
  neededBy?: Date;

  @Field(() => GeoPointInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoPointInput)
  deliveryLocation?: GeoPointInput;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  deliveryLocationName?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  justification?: string;
}

@InputType()
export class OfferResourceInput {
  @Field(() => ID)
  @IsUUID()
  requestId: string;

  @Field(() => ID)
  @IsUUID()
  holdingId: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity: number;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
