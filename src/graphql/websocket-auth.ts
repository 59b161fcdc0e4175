import type { IncomingMessage } from 'node:http';
import type { Context } from 'graphql-ws';
import type { PrincipalLookupService } from '../auth/principal-lookup.service.js';
import type { ClosableSocket, WebsocketSessionsService } from '../auth/websocket-sessions.service.js';
import type { Principal } from '../common/auth/principal.js';
import { RequestContext } from '../common/request/request-context.js';

export interface WsExtra {
  request: IncomingMessage;
  socket: ClosableSocket;
  principal?: Principal;
}

/**
 * graphql-ws `onConnect`: the connection_init payload carries `{ authorization: "Bearer …" }`
 * or `{ apiKey: "shk_…" }`. Without valid credentials the socket is refused (graphql-ws closes
 * it with 4403 Forbidden). An accepted connection is checked again periodically
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
      sessions.opened(c.extra.socket, c.extra.principal);
      return true;
    } catch {
      return false;
    }
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
