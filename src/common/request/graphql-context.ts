import type { FastifyRequest } from 'fastify';
import { RequestContext } from './request-context.js';

/** The GraphQL context: the HTTP request (absent over WebSocket) and the request context. */
export interface GraphqlContext {
  req?: FastifyRequest;
  ctx: RequestContext;
}

export function requestIdOf(req: FastifyRequest): string {
  return String(req.id ?? '');
}

/** The request context of an HTTP request, made once and kept on the request. */
export function requestContextOf(req: FastifyRequest): RequestContext {
  const r = req as FastifyRequest & { hubContext?: RequestContext };
  // `ip` follows X-Forwarded-For only with TRUST_PROXY (Fastify's `trustProxy`).
  r.hubContext ??= new RequestContext(requestIdOf(req), req.ip ?? req.socket?.remoteAddress ?? null);
  return r.hubContext;
}
