import Negotiator from 'negotiator';
import type { FastifyRequest } from 'fastify';

/**
 * The first of `types` the request's Accept header prefers (the first of them when it has
 * none), or false when it allows none: content negotiation as Express's `req.accepts` did it.
 */
export function acceptedType(req: FastifyRequest, types: string[]): string | false {
  return new Negotiator({ headers: { accept: req.headers.accept ?? '*/*' } }).mediaTypes(types)[0] ?? false;
}
