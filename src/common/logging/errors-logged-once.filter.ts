import { type ArgumentsHost, Catch, IntrinsicException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlArgumentsHost, type GqlContextType } from '@nestjs/graphql';
import type { FastifyReply } from 'fastify';
import { bodyErrorAnswer } from '../http/body-errors.js';
import type { GraphqlContext } from '../request/graphql-context.js';

/**
 * Each unexpected error logged once. Nest's handler logs whatever a resolver throws
 * ("ExceptionsHandler"), and for a GraphQL request over HTTP Apollo's unexpected-error plugin
 * (src/graphql/apollo-plugins.ts) logs it again, with the request id and the field's path: that
 * one is kept. Over WebSocket no Apollo plugin runs, so the error is logged here; plain HTTP
 * routes keep Nest's own handling, except for a body that could not be read (bodyErrorAnswer),
 * which is answered in the GraphQL error shape.
 */
@Catch()
export class ErrorsLoggedOnceFilter extends BaseExceptionFilter {
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
      ErrorsLoggedOnceFilter.graphqlLogger.error({ err: exception, requestId: context?.ctx?.requestId }, 'unexpected error in a GraphQL operation over WebSocket');
    }
    throw exception;
  }
}
