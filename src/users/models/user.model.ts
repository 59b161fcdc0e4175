import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Role } from '../../common/auth/roles.js';
import { Paginated } from '../../common/pagination/connection.js';

@ObjectType()
export class User {
  @Field(() => ID)
  id: string;

  /** Resolved by UsersResolver.email: not everyone who reaches a user may read it. */
  email: string;

  @Field()
  displayName: string;

  @Field(() => Role)
  role: Role;

  /** Resolved by UsersResolver.organisation through the per-request loader. */
  organisationId: string;

  @Field()
  active: boolean;

  @Field()
  createdAt: Date;
}

@ObjectType()
export class UserConnection extends Paginated(User) {}
