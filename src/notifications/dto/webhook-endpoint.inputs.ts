import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUrl, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { NotificationType } from '../../common/notifications/outbox-sink.js';
import { ConnectionArgs } from '../../common/pagination/connection.js';
import { IsNotBlank } from '../../common/validation/patterns.js';

export const WEBHOOK_URL_MAX = 2000;
/** How long the previous secret may keep signing after a rotation: at most a week. */
export const MAX_OVERLAP_MINUTES = 7 * 24 * 60;
export const DEFAULT_OVERLAP_MINUTES = 24 * 60;

// Syntax only; where the URL's host resolves to is checked by the service (and again at every delivery).
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true };

@InputType()
export class RegisterWebhookEndpointInput {
  @Field({ description: 'What the endpoint is, for people reading the list.' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsNotBlank()
  name: string;

  @Field({ description: 'http(s) URL; it must not resolve to a loopback, private, link-local or metadata address.' })
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX)
  @IsUrl(URL_OPTIONS)
  url: string;

  @Field(() => [NotificationType])
  @ArrayMinSize(1)
  @ArrayMaxSize(Object.values(NotificationType).length)
  @IsEnum(NotificationType, { each: true })
  eventTypes: NotificationType[];

  @Field(() => ID, { nullable: true, description: 'Only events of this incident, which the organisation must see.' })
  @IsOptional()
  @IsUUID()
  incidentId?: string;

  @Field(() => ID, { nullable: true, description: "Defaults to the caller's organisation; another organisation needs ADMIN." })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsNotBlank()
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX)
  @IsUrl(URL_OPTIONS)
  url?: string;

  @Field(() => [NotificationType], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(Object.values(NotificationType).length)
  @IsEnum(NotificationType, { each: true })
  eventTypes?: NotificationType[];

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

@InputType()
export class RotateWebhookSecretInput {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_OVERLAP_MINUTES,
    description: 'Minutes during which the previous secret still signs (a second v1); 0 ends it at once. At most a week.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_OVERLAP_MINUTES)
  overlapMinutes: number = DEFAULT_OVERLAP_MINUTES;
}

@ArgsType()
export class WebhookEndpointsArgs {
  @Field(() => ID, { nullable: true, description: "ADMIN: any organisation's (none: all); others: their own." })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}

@ArgsType()
export class WebhookDeliveriesArgs extends ConnectionArgs {
  @Field(() => ID)
  @IsUUID()
  endpointId: string;
}
