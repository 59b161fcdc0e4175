import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ApiScope } from '../../common/auth/roles.js';

export interface ApiKeyRow {
  id: string;
  organisation_id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export const API_KEY_COLUMNS = 'id, organisation_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at';

@ObjectType()
export class ApiKey {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  organisationId: string;

  @Field(() => [ApiScope])
  scopes: ApiScope[];

  @Field({ description: 'First characters of the key, for recognising it; the secret itself is never stored.' })
  prefix: string;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  static fromRow(r: ApiKeyRow): ApiKey {
    return Object.assign(new ApiKey(), {
      id: r.id,
      name: r.name,
      organisationId: r.organisation_id,
      scopes: r.scopes,
      prefix: r.prefix,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    });
  }
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field({ description: 'The full secret, shown exactly once. Sent as the `X-Api-Key` header.' })
  secret: string;
}
