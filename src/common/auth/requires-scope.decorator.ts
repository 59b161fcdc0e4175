import { Extensions } from '@nestjs/graphql';
import type { ApiScope } from './roles.js';

/** The key, in a GraphQL object type's `extensions`, of the scope an API key needs to read it. */
export const REQUIRES_SCOPE = 'requiresScope';

/**
 * Next to `@ObjectType()`: an API key reads this type only with the scope, wherever a field
 * returns it (a query, a field at any depth, a subscription event, what a mutation returns
 * below its top). Declared once here on the type, enforced for the whole schema by
 * src/graphql/api-key-scopes.ts, because per-resolver checks are forgotten and guards do not
 * run on field resolvers. Users have no scopes and are not concerned.
 */
export function RequiresScope(scope: ApiScope): ClassDecorator {
  return Extensions({ [REQUIRES_SCOPE]: scope });
}
