import type { IncomingMessage } from 'node:http';
import type { Context } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { PrincipalLookupService } from '../auth/principal-lookup.service.js';
import type { ClosableSocket, WebsocketSessionsService } from '../auth/websocket-sessions.service.js';
import type { Principal } from '../common/auth/principal.js';
import { RequestContext } from '../common/request/request-context.js';

export interface WsExtra {
  request: IncomingMessage;
  /** The `ws` socket (graphql-ws/use/ws). */
  socket: ClosableSocket & { readyState: number };
  principal?: Principal;
}

/**
 * The close code of a connection refused because its principal holds WS_MAX_SOCKETS_PER_PRINCIPAL
 * sockets on this replica already: 4429, as HTTP's 429, which graphql-ws's client takes as final
 * rather than retrying at once into the same limit.
 */
export const TOO_MANY_SOCKETS = { code: 4429, reason: 'Too many open connections for these credentials' };

/**
 * graphql-ws `onConnect`: the connection_init payload carries `{ authorization: "Bearer …" }`
 * or `{ apiKey: "shk_…" }`. Without valid credentials the socket is refused (graphql-ws closes
 * it with 4403 Forbidden); past the principal's number of sockets, with TOO_MANY_SOCKETS. An
 * accepted connection is checked before each operation and when its credentials change
 * (WebsocketSessionsService) until it closes (`websocketOnClose`).
 */
export function websocketOnConnect(principals: PrincipalLookupService, sessions: WebsocketSessionsService) {
  return async (c: Context<Record<string, unknown> | undefined, WsExtra>): Promise<boolean> => {
    const params = c.connectionParams ?? {};
    const authorization = typeof params.authorization === 'string' ? params.authorization : undefined;
    const apiKey = typeof params.apiKey === 'string' ? params.apiKey : undefined;
    try {
      if (authorization?.startsWith('Bearer ')) c.extra.principal = await principals.principalForBearer(authorization.slice(7));
      else if (apiKey) c.extra.principal = await principals.principalForApiKey(apiKey);
      else return false;
    } catch {
      return false;
    }
    // A socket that closed while its credentials were looked up is not registered: nothing
    // would unregister it, and it would count against its principal's sockets for ever.
    if (c.extra.socket.readyState !== WebSocket.OPEN) return false;
    if (sessions.opened(c.extra.socket, c.extra.principal)) return true;
    // graphql-ws then closes with 4403, which the socket ignores: it is closing already.
    c.extra.socket.close(TOO_MANY_SOCKETS.code, TOO_MANY_SOCKETS.reason);
    return false;
  };
}

/** graphql-ws `onClose`: the connection is no longer checked. */
export function websocketOnClose(sessions: WebsocketSessionsService) {
  return (c: Context<Record<string, unknown> | undefined, WsExtra>): void => sessions.closed(c.extra.socket);
}

/** Each subscription operation gets a request context of its own, for the connection's principal. */
export function websocketContext(c: Context<Record<string, unknown> | undefined, WsExtra>): RequestContext {
  const ctx = new RequestContext(`ws-${Math.random().toString(36).slice(2, 10)}`, c.extra.request.socket.remoteAddress ?? null);
  ctx.principal = c.extra.principal;
  return ctx;
}
