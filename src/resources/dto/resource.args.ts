import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsEnum, IsInt, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { ConnectionArgs } from '../../common/pagination/connection.js';
import { ResourceRequestStatus } from '../models/resource.enums.js';

@InputType()
export class ResourceRequestFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  incidentId?: string;

  @Field(() => [ResourceRequestStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(5)
  @IsEnum(ResourceRequestStatus, { each: true })
  status?: ResourceRequestStatus[];

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  resourceTypeId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  requestingOrganisationId?: string;
}

@ArgsType()
export class ResourceRequestsArgs extends ConnectionArgs {
  @Field(() => ResourceRequestFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResourceRequestFilter)
  filter?: ResourceRequestFilter;
}

/** `Incident.resourceRequests(status, first, after)`. */
@ArgsType()
export class IncidentResourceRequestsArgs extends ConnectionArgs {
  @Field(() => [ResourceRequestStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(5)
  @IsEnum(ResourceRequestStatus, { each: true })
  status?: ResourceRequestStatus[];
}

@ArgsType()
export class ResourceMatchesArgs {
  @Field(() => ID)
  @IsUUID()
  requestId: string;

  @Field(() => Int, { nullable: true, defaultValue: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  first: number = 20;
}
