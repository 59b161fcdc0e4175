import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { errorBody } from './error-body.js';
import { DomainError } from './domain-errors.js';
import { ErrorCode } from './error-codes.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
};

/**
 * Domain errors of a plain HTTP route (the guard's included) as their HTTP status, with the
 * same body shape and contract code as a GraphQL error; anything else goes to Nest's handler.
 */
@Catch(DomainError)
export class DomainErrorHttpFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<FastifyReply>();
    if (error.code === ErrorCode.UNAUTHENTICATED) res.header('WWW-Authenticate', 'Bearer');
    if (error.code === ErrorCode.RATE_LIMITED) res.header('Retry-After', String(error.extensions.retryAfterSeconds));
    void res
      .code(STATUS[error.code] ?? 500)
      .header('Cache-Control', 'no-store')
      .send(errorBody(error));
  }
}
