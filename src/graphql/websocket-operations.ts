import { GraphQLError } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import type { WebsocketSessionsService } from '../auth/websocket-sessions.service.js';
import { principalKey } from '../common/auth/principal.js';
import { BadUserInputError, DomainError } from '../common/errors/domain-errors.js';
import type { RateLimiter } from '../common/rate-limit/rate-limiter.js';
import type { WsExtra } from './websocket-auth.js';
import type { WsDocuments } from './ws-documents.js';

type WsContext = Context<Record<string, unknown> | undefined, WsExtra>;

/**
 * graphql-ws `onSubscribe`: every operation sent over a socket (subscription, query or mutation)
 * passes the checks an HTTP request passes before it runs, each refusal an error of that
 * operation with its contract code, the socket and its other operations left alone:
 *
 * 1. at most WS_MAX_SUBSCRIPTIONS_PER_SOCKET operations open on the socket, this one included
 *    (BAD_USER_INPUT: waiting does not help, completing another operation does);
 * 2. the credentials still hold (UNAUTHENTICATED after a logout, a revoked key, a deactivated
 *    user or organisation: WebsocketSessionsService, which also closes the socket with 4403);
 * 3. the rate limit of the principal, the same count as its HTTP requests (RATE_LIMITED with
 *    retryAfterSeconds);
 * 4. the document parses under the token limit (WsDocuments; validation, with the HTTP rules and
 *    introspection off in production, follows in graphql-ws's `validate`).
 */
export function websocketOnSubscribe(deps: { sessions: WebsocketSessionsService; limiter: RateLimiter; documents: WsDocuments; maxOperations: number }) {
  // One refusal for every operation past the limit: a flood of thousands is answered without
  // making (and formatting the stack trace of) an error for each.
  const tooMany = refused(
    BadUserInputError.field(
      'subscribe',
      `This connection has ${deps.maxOperations} operations open, the most it may (WS_MAX_SUBSCRIPTIONS_PER_SOCKET): complete one first, or open another connection`,
    ),
  );
  return async (c: WsContext, id: string, payload: SubscribePayload): Promise<readonly GraphQLError[] | undefined> => {
    // Counted before anything is awaited: graphql-ws registers an operation before this hook
    // runs, so each message of a burst sees those before it, however many are still being checked.
    if (moreThan(c.subscriptions, deps.maxOperations)) return tooMany;
    try {
      const principal = await deps.sessions.principalOf(c.extra.socket);
      await deps.limiter.hit(principalKey(principal));
    } catch (e) {
      if (e instanceof DomainError) return refused(e);
      throw e;
    }
    return deps.documents.onSubscribe(c, id, payload);
  };
}

/** Whether `record` has more than `n` keys, counting no further than that. */
function moreThan(record: Record<string, unknown>, n: number): boolean {
  let count = 0;
  for (const _key in record) if (++count > n) return true;
  return false;
}

/** A refusal as graphql-ws answers it; the error formatter (onError) gives it its contract code. */
function refused(e: DomainError): GraphQLError[] {
  return [new GraphQLError(e.message, { originalError: e })];
}
