import { Field, ObjectType } from '@nestjs/graphql';
import { User } from '../../users/models/user.model.js';

@ObjectType()
export class AuthPayload {
  @Field({ description: 'Bearer token for the `Authorization` header; short-lived.' })
  accessToken: string;

  @Field()
  accessTokenExpiresAt: Date;

  @Field({ description: 'Single-use: each refresh returns a new one and retires the old.' })
  refreshToken: string;

  @Field(() => User)
  user: User;
}
