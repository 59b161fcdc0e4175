import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { AuthenticationService } from '../../auth/authentication.service.js';
import { principalKey } from '../auth/principal.js';
import { ConflictReason, ErrorCode } from '../errors/error-codes.js';
import type { GraphqlContext } from '../request/graphql-context.js';
import { requestFingerprint, type IdempotencyService } from './idempotency.service.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
type Rc = GraphQLRequestContext<GraphqlContext>;

function errorResponse(status: number, message: string, extensions: Record<string, unknown>) {
  return { http: { status, headers: new HeaderMap() }, body: { kind: 'single' as const, singleResult: { errors: [{ message, extensions }] } } };
}

/**
 * The `Idempotency-Key` header on mutation requests (DESIGN.md invariant 6), at the level of
 * the whole GraphQL response: the first request runs, its response is stored; a retry gets it
 * back with `Idempotency-Replayed: true`.
 */
export function idempotencyPlugin(idempotency: IdempotencyService, authn: AuthenticationService): ApolloServerPlugin<GraphqlContext> {
  const claims = new WeakMap<Rc, { principal: string; key: string }>();
  return {
    async requestDidStart() {
      return {
        async responseForOperation(rc) {
          const key = rc.request.http?.headers.get('idempotency-key');
          const req = rc.contextValue.req;
          // No operation when the document has none matching `operationName`: graphql-js refuses it next.
          if (key === undefined || rc.operation?.operation !== 'mutation' || !req) return null;
          if (!KEY_PATTERN.test(key)) {
            return errorResponse(400, 'Idempotency-Key must be 1–200 visible ASCII characters', {
              code: ErrorCode.BAD_USER_INPUT,
              validationErrors: [{ field: 'Idempotency-Key', message: 'must be 1–200 visible ASCII characters' }],
            });
          }
          // Anonymous or invalid credentials: nothing to key on; the guard answers as usual.
          const ctx = await authn.authenticate(req).catch(() => undefined);
          if (!ctx?.principal) return null;
          const principal = principalKey(ctx.principal);
          const outcome = await idempotency.claim(principal, key, requestFingerprint(rc.request.query ?? '', rc.request.operationName, rc.request.variables));
          switch (outcome.kind) {
            case 'claimed':
              claims.set(rc as Rc, { principal, key });
              return null;
            case 'replay': {
              const headers = new HeaderMap([['idempotency-replayed', 'true']]);
              return { http: { status: 200, headers }, body: { kind: 'single', singleResult: outcome.response } };
            }
            case 'mismatch':
              return errorResponse(200, 'This Idempotency-Key was used with a different request', {
                code: ErrorCode.CONFLICT,
                reason: ConflictReason.IDEMPOTENCY_KEY_REUSED,
              });
            case 'busy':
              return errorResponse(200, 'A request with this Idempotency-Key is still being processed; retry later', {
                code: ErrorCode.CONFLICT,
                reason: ConflictReason.IDEMPOTENCY_KEY_REUSED,
              });
          }
        },
        async willSendResponse(rc) {
          const claim = claims.get(rc as Rc);
          if (!claim || rc.response.body.kind !== 'single') return;
          await idempotency.complete(claim.principal, claim.key, rc.response.body.singleResult);
        },
      };
    },
  };
}
