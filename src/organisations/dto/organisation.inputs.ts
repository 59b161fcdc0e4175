import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsEmail, IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CODE_PATTERN, IsNotBlank, IsPhoneNumber } from '../../common/validation/patterns.js';
import { OrganisationKind } from '../models/organisation-kind.enum.js';

export const ORGANISATION_NAME_MAX = 200;
export const EMAIL_MAX = 254;

@InputType()
export class CreateOrganisationInput {
  @Field()
  @IsString()
  @MinLength(2)
  @MaxLength(ORGANISATION_NAME_MAX)
  @IsNotBlank()
  name: string;

  @Field()
  @Matches(CODE_PATTERN, { message: 'code must be 2–50 capital letters, digits, - or _' })
  code: string;

  @Field(() => OrganisationKind)
  @IsEnum(OrganisationKind)
  kind: OrganisationKind;

  @Field({ nullable: true })
  @IsOptional()
  @IsPhoneNumber()
  dutyOfficerPhone?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(EMAIL_MAX)
  @IsEmail()
  email?: string;
}

@InputType()
export class UpdateOrganisationInput {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(ORGANISATION_NAME_MAX)
  @IsNotBlank()
  name?: string;

  @Field(() => OrganisationKind, { nullable: true })
  @IsOptional()
  @IsEnum(OrganisationKind)
  kind?: OrganisationKind;

  @Field({ nullable: true })
  @IsOptional()
  @IsPhoneNumber()
  dutyOfficerPhone?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(EMAIL_MAX)
  @IsEmail()
  email?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
