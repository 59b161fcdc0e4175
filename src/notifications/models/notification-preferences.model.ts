import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { NotificationTopic } from '../../common/notifications/outbox-sink.js';

export enum Language {
  SV = 'sv',
  EN = 'en',
}

registerEnumType(Language, { name: 'Language', description: 'The language the hub writes to a person in (e-mail).', valuesMap: { SV: { description: 'Svenska' }, EN: { description: 'English' } } });

export interface NotificationPreferencesRow {
  topics: NotificationTopic[];
  digest_hours: number | null;
  language: Language;
  updated_at: Date | null;
}

export const PREFERENCES_COLUMNS = 'topics, digest_hours, language, updated_at';

/** A user without a row is told nothing, in Swedish. */
export const NO_PREFERENCES: NotificationPreferencesRow = { topics: [], digest_hours: null, language: Language.SV, updated_at: null };

@ObjectType({ description: 'What the signed-in user is e-mailed about, how often and in which language. Only ever the caller’s own.' })
export class NotificationPreferences {
  @Field(() => [NotificationTopic], { description: 'Empty: nothing is sent.' })
  topics: NotificationTopic[];

  @Field(() => Int, { description: '0: each notice by itself, at once; 1–168: one digest every that many hours (periods aligned on UTC midnight of 1970-01-01).' })
  digestHours: number;

  @Field(() => Language)
  language: Language;

  @Field({ description: 'Whether this hub sends e-mail at all (SMTP_URL set); when not, preferences are kept but nothing is sent.' })
  emailEnabled: boolean;

  @Field(() => Date, { nullable: true, description: 'Null until first set.' })
  updatedAt: Date | null;

  static fromRow(r: NotificationPreferencesRow, emailEnabled: boolean): NotificationPreferences {
    return Object.assign(new NotificationPreferences(), { topics: r.topics, digestHours: r.digest_hours ?? 0, language: r.language, emailEnabled, updatedAt: r.updated_at });
  }
}
