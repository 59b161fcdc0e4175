import { HttpException } from '@nestjs/common';
import { BadUserInputError } from '../errors/domain-errors.js';
import { errorBody } from '../errors/error-body.js';

/**
 * A body that cannot be read (too large, not JSON) is refused before GraphQL sees it; the
 * client still gets the GraphQL error shape with a contract code, never an HTML page or a 500.
 * Fastify's content-type parsing fails with a FastifyError (`FST_ERR_CTP_*`), which Nest's
 * adapter hands to the exception filters as the cause of an HttpException: the status and body
 * of that answer, or undefined for any other error.
 */
export function bodyErrorAnswer(exception: unknown): { status: number; body: ReturnType<typeof errorBody> } | undefined {
  const e = (exception instanceof HttpException && exception.cause ? exception.cause : exception) as { code?: unknown; statusCode?: unknown } | undefined;
  if (!e || typeof e.code !== 'string' || !e.code.startsWith('FST_ERR_CTP_') || typeof e.statusCode !== 'number' || e.statusCode >= 500) return undefined;
  const tooLarge = e.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
  const message = tooLarge ? 'The request body is too large' : 'The request body is not valid JSON';
  return { status: tooLarge ? 413 : 400, body: errorBody(new BadUserInputError([{ field: 'body', message }], message)) };
}
