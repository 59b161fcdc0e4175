import { SetMetadata } from '@nestjs/common';
import { ApiScope, Role } from './roles.js';

export const ACCESS_RULE = 'hub:access-rule';

export type AccessRule =
  | { public: true }
  | {
      public?: false;
      /** The lowest role that may call; an API key counts as LIAISON_OFFICER. */
      role: Role;
      /**
       * The scope an API key needs to call the operation (or the scopes, all of them: a REST
       * route whose answer shows several types needs each type's); without one, any key of the
       * role may. Not for field resolvers, which no guard runs on: what a key may read below an
       * operation is its types' `@RequiresScope`.
       */
      scope?: ApiScope | readonly ApiScope[];
      /** False for what API keys may never do (administration, API-key management). */
      apiKeys?: boolean;
    };

/**
 * Every resolver method and controller declares who may call it; the global guard refuses
 * anything without a declaration. This is the role check at the edge: which records the
 * caller may touch is checked in the services, through AccessService.
 */
export const Allow = (role: Role, opts: { scope?: ApiScope | readonly ApiScope[]; apiKeys?: boolean } = {}) =>
  SetMetadata(ACCESS_RULE, { role, ...opts } satisfies AccessRule);

/** Callable without credentials (login, health). */
export const Public = () => SetMetadata(ACCESS_RULE, { public: true } satisfies AccessRule);
