import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsDate, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ApiScope } from '../../common/auth/roles.js';
import { DAY_MS, IsTimeWithin } from '../../common/validation/time-window.decorator.js';
import { IsNotBlank } from '../../common/validation/patterns.js';

/** A key lives at most five years; a longer life is a forgotten key. */
export const API_KEY_MAX_LIFETIME_MS = 5 * 365 * DAY_MS;

@InputType()
export class CreateApiKeyInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @IsNotBlank()
  name: string;

  @Field(() => ID, { nullable: true, description: "Defaults to the caller's organisation; another organisation needs ADMIN." })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @Field(() => [ApiScope])
  @ArrayMinSize(1)
  @ArrayMaxSize(Object.values(ApiScope).length)
  @IsEnum(ApiScope, { each: true })
  scopes: ApiScope[];

  @Field(() => Date, { nullable: true, description: 'In the future, at most five years ahead; none: the key does not expire.' })
  @IsOptional()
  @IsDate()
  @IsTimeWithin({ future: true, maxAheadMs: API_KEY_MAX_LIFETIME_MS })
  expiresAt?: Date;
}
