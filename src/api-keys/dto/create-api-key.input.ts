import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsDate, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ApiScope } from '../../common/auth/roles.js';

@InputType()
export class CreateApiKeyInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @Field(() => ID, { nullable: true, description: "Defaults to the caller's organisation; another organisation needs ADMIN." })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @Field(() => [ApiScope])
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsEnum(ApiScope, { each: true })
  scopes: ApiScope[];

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  expiresAt?: Date;
}
