import { Field, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';
import { NotificationTopic } from '../../common/notifications/outbox-sink.js';
import { Language } from '../models/notification-preferences.model.js';

export const MAX_DIGEST_HOURS = 168;

/** What is not given stays as it is. */
@InputType()
export class UpdateNotificationPreferencesInput {
  @Field(() => [NotificationTopic], { nullable: true, description: 'The whole set (replaces the previous one); empty: nothing is sent.' })
  @IsOptional()
  @ArrayMaxSize(Object.values(NotificationTopic).length)
  @IsEnum(NotificationTopic, { each: true })
  topics?: NotificationTopic[];

  @Field(() => Int, { nullable: true, description: '0: each notice at once; 1–168: one digest every that many hours.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DIGEST_HOURS)
  digestHours?: number;

  @Field(() => Language, { nullable: true })
  @IsOptional()
  @IsEnum(Language)
  language?: Language;
}
