import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Role } from '../../common/auth/roles.js';
import { Paginated } from '../../common/pagination/connection.js';

/** A `users` row as the users feature selects it (never the password hash). */
export interface UserRow {
  id: string;
  organisation_id: string;
  email: string;
  display_name: string;
  role: Role;
  active: boolean;
  created_at: Date;
}

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

  static fromRow(r: UserRow): User {
    return Object.assign(new User(), {
      id: r.id,
      email: r.email,
      displayName: r.display_name,
      role: r.role,
      organisationId: r.organisation_id,
      active: r.active,
      createdAt: r.created_at,
    });
  }
}

@ObjectType()
export class UserConnection extends Paginated(User) {}
