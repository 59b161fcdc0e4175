import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { Authenticator } from '../common/auth/authenticator.js';
import { principalKey } from '../common/auth/principal.js';
import { BadUserInputError, ConflictError, type DomainError } from '../common/errors/domain-errors.js';
import { errorBody } from '../common/errors/error-body.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import type { GraphqlContext } from '../common/request/graphql-context.js';
import { requestFingerprint, type IdempotencyService } from '../common/idempotency/idempotency.service.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

function errorResponse(status: number, error: DomainError) {
  return { http: { status, headers: new HeaderMap() }, body: { kind: 'single' as const, singleResult: errorBody(error) } };
}

/**
 * The `Idempotency-Key` header on mutation requests (DESIGN.md invariant 6), at the level of
 * the whole GraphQL response. The plugin only puts the key on the request's context; the
 * request's first transaction claims it (TransactionService), so that the claim commits with
 * the mutation. After the operation, the response of a request that ran is stored; a request
 * whose key another one holds or held is answered with that one's response
 * (`Idempotency-Replayed: true`), or refused when it is a different request with the same key.
 */
export function idempotencyPlugin(idempotency: IdempotencyService, authn: Authenticator): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation(rc) {
          const key = rc.request.http?.headers.get('idempotency-key');
          const req = rc.contextValue.req;
          // No operation when the document has none matching `operationName`: graphql-js refuses it next.
          if (key === undefined || rc.operation?.operation !== 'mutation' || !req) return null;
          if (!KEY_PATTERN.test(key)) {
            return errorResponse(400, new BadUserInputError([{ field: 'Idempotency-Key', message: 'must be 1–200 visible ASCII characters' }], 'Idempotency-Key must be 1–200 visible ASCII characters'));
          }
          // Anonymous or invalid credentials: nothing to key on; the guard answers as usual.
          const ctx = await authn.authenticate(req).catch(() => undefined);
          if (!ctx?.principal) return null;
          ctx.idempotency = {
            principal: principalKey(ctx.principal),
            key,
            fingerprint: requestFingerprint(rc.request.query ?? '', rc.request.operationName, rc.request.variables),
            state: 'pending',
          };
          return null;
        },
        async willSendResponse(rc) {
          const claim = rc.contextValue.ctx?.idempotency;
          if (!claim || rc.response.body.kind !== 'single') return;
          if (claim.state !== 'taken' && (await idempotency.complete(claim, rc.response.body.singleResult))) return;
          // Another request has the key: its answer replaces this one's (which wrote nothing).
          const outcome = await idempotency.outcome(claim);
          const { http, body } = rc.response;
          http.status = 200;
          switch (outcome.kind) {
            case 'replay':
              http.headers.set('idempotency-replayed', 'true');
              body.singleResult = outcome.response;
              return;
            case 'mismatch':
              body.singleResult = conflict('This Idempotency-Key was used with a different request');
              return;
            case 'lost':
              body.singleResult = conflict(
                'The request with this Idempotency-Key was carried out, but its response was lost; read the current state instead of retrying',
              );
              return;
            case 'busy':
              body.singleResult = conflict('A request with this Idempotency-Key is still being processed; retry later');
              return;
          }
        },
      };
    },
  };
}

function conflict(message: string) {
  return errorBody(new ConflictError(ConflictReason.IDEMPOTENCY_KEY_REUSED, message));
}
