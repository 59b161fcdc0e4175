import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsEmail, IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OrganisationKind } from '../models/organisation-kind.enum.js';

/** E.164-like: a plus, digits and single spaces or dashes; 7–20 characters. */
export const PHONE_PATTERN = /^\+?[0-9](?:[ -]?[0-9]){5,18}$/;

@InputType()
export class CreateOrganisationInput {
  @Field()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name: string;

  @Field()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{1,49}$/, { message: 'code must be 2–50 capital letters, digits, - or _' })
  code: string;

  @Field(() => OrganisationKind)
  @IsEnum(OrganisationKind)
  kind: OrganisationKind;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(PHONE_PATTERN, { message: 'dutyOfficerPhone must be a phone number' })
  dutyOfficerPhone?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

@InputType()
export class UpdateOrganisationInput {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name?: string;

  @Field(() => OrganisationKind, { nullable: true })
  @IsOptional()
  @IsEnum(OrganisationKind)
  kind?: OrganisationKind;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(PHONE_PATTERN, { message: 'dutyOfficerPhone must be a phone number' })
  dutyOfficerPhone?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
