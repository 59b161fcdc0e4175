import { Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsEmail, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Role } from '../../common/auth/roles.js';
import { IsNotBlank } from '../../common/validation/patterns.js';
import { MIN_PASSWORD_LENGTH } from '../password.service.js';

@InputType()
export class CreateUserInput {
  @Field()
  @MaxLength(254)
  @IsEmail()
  email: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsNotBlank()
  displayName: string;

  @Field({ description: 'At least 12 characters.' })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(200)
  password: string;

  @Field(() => Role)
  @IsEnum(Role)
  role: Role;

  @Field(() => ID)
  @IsUUID()
  organisationId: string;
}

@InputType()
export class UpdateUserInput {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsNotBlank()
  displayName?: string;

  @Field(() => Role, { nullable: true })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
