import { ArgsType, Field } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { ConnectionArgs } from '../../common/pagination/connection.js';
import { IncidentFilter } from './incident.inputs.js';

@ArgsType()
export class IncidentsArgs extends ConnectionArgs {
  @Field(() => IncidentFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => IncidentFilter)
  filter?: IncidentFilter;
}
