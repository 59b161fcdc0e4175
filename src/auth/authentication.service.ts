import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { Authenticator } from '../common/auth/authenticator.js';
import type { Principal } from '../common/auth/principal.js';
import { UnauthenticatedError } from '../common/errors/domain-errors.js';
import { requestContextOf } from '../common/request/graphql-context.js';
import type { RequestContext } from '../common/request/request-context.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { JwtStrategy } from './jwt.strategy.js';
import { INVALID_CREDENTIALS } from './principal-lookup.service.js';

/** Authenticates HTTP requests through passport: `Authorization: Bearer` or `X-Api-Key`. */
@Injectable()
export class AuthenticationService implements Authenticator {
  constructor(
    private readonly jwtStrategy: JwtStrategy,
    private readonly apiKeyStrategy: ApiKeyStrategy,
  ) {}

  /**
   * Authenticates an HTTP request once (the result is kept on its request context): no
   * credentials is anonymous; credentials that do not verify are UNAUTHENTICATED.
   */
  async authenticate(req: FastifyRequest): Promise<RequestContext> {
    const ctx = requestContextOf(req);
    const r = req as FastifyRequest & { hubAuthenticated?: Promise<void> };
    r.hubAuthenticated ??= this.runPassport(req, ctx);
    await r.hubAuthenticated;
    return ctx;
  }

  private runPassport(req: FastifyRequest, ctx: RequestContext): Promise<void> {
    const hasBearer = typeof req.headers.authorization === 'string' && req.headers.authorization.length > 0;
    const hasKey = typeof req.headers['x-api-key'] === 'string';
    if (!hasBearer && !hasKey) return Promise.resolve();
    if (hasBearer && hasKey) return Promise.reject(new UnauthenticatedError('Send either a bearer token or an API key, not both'));
    return new Promise<void>((resolve, reject) => {
      // This application's own strategy, not the one registered under its name in passport's
      // process-wide registry (several apps share a process in the tests). Passport decorates
      // the strategy it is given for the request, so it gets a per-request object.
      const strategy = Object.create(hasBearer ? this.jwtStrategy : this.apiKeyStrategy) as passport.Strategy;
      passport.authenticate(strategy, { session: false }, (err: unknown, principal: Principal | false) => {
        if (err instanceof UnauthenticatedError) return reject(err);
        if (err) return reject(err);
        if (!principal) return reject(new UnauthenticatedError(INVALID_CREDENTIALS));
        ctx.principal = principal;
        resolve();
      })(req, undefined, (e: unknown) => (e ? reject(e) : resolve()));
    });
  }
}
