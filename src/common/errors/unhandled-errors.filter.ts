import { type ArgumentsHost, Catch, IntrinsicException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlArgumentsHost, type GqlContextType } from '@nestjs/graphql';
import type { FastifyReply } from 'fastify';
import { bodyErrorAnswer } from '../http/body-errors.js';
import type { GraphqlContext } from '../request/graphql-context.js';

/**
 * What happens to an error nothing closer handled (the global filter):
 * - a body that could not be read (too large, not JSON: `bodyErrorAnswer`) is answered in the
 *   GraphQL error shape with a contract code, not Nest's plain HTTP error;
 * - any other error of a plain HTTP route gets Nest's own handling;
 * - in GraphQL, each unexpected error is logged once. Nest's handler logs whatever a resolver
 *   throws ("ExceptionsHandler"), and for a GraphQL request over HTTP Apollo's unexpected-error
 *   plugin (src/graphql/apollo-plugins.ts) logs it again, with the request id and the field's
 *   path: that one is kept. Over WebSocket no Apollo plugin runs, so the error is logged here.
 */
@Catch()
export class UnhandledErrorsFilter extends BaseExceptionFilter {
  private static readonly graphqlLogger = new Logger('GraphQL');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType<GqlContextType>() !== 'graphql') {
      const answer = bodyErrorAnswer(exception);
      if (!answer) return super.catch(exception, host);
      void host.switchToHttp().getResponse<FastifyReply>().code(answer.status).header('content-type', 'application/json; charset=utf-8').send(answer.body);
      return;
    }
    const context = GqlArgumentsHost.create(host).getContext<GraphqlContext | undefined>();
    if (!context?.req && exception instanceof Error && !(exception instanceof IntrinsicException)) {
      UnhandledErrorsFilter.graphqlLogger.error({ err: exception, requestId: context?.ctx?.requestId }, 'unexpected error in a GraphQL operation over WebSocket');
    }
    throw exception;
  }
}
