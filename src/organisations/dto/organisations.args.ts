import { ArgsType, Field } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { ConnectionArgs } from '../../common/pagination/connection.js';
import { OrganisationKind } from '../models/organisation-kind.enum.js';

@ArgsType()
export class OrganisationsArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @Field(() => [OrganisationKind], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsEnum(OrganisationKind, { each: true })
  kind?: OrganisationKind[];
}
