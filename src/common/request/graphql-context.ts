import type { Request } from 'express';
import { RequestContext } from './request-context.js';

/** The GraphQL context: the HTTP request (absent over WebSocket) and the request context. */
export interface GraphqlContext {
  req?: Request;
  ctx: RequestContext;
}

export function requestIdOf(req: Request): string {
  return String((req as Request & { id?: unknown }).id ?? '');
}

/** The request context of an HTTP request, made once and kept on the request. */
export function requestContextOf(req: Request): RequestContext {
  const r = req as Request & { hubContext?: RequestContext };
  r.hubContext ??= new RequestContext(requestIdOf(req), req.ip ?? req.socket?.remoteAddress ?? null);
  return r.hubContext;
}
