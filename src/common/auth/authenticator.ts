import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../request/request-context.js';

/**
 * Who sent an HTTP request: fills in the request context's principal (once per request; no
 * credentials is anonymous, credentials that do not verify are UNAUTHENTICATED). The guard and
 * the GraphQL plugins ask through this; the auth feature provides it.
 */
export abstract class Authenticator {
  abstract authenticate(req: FastifyRequest): Promise<RequestContext>;
}
