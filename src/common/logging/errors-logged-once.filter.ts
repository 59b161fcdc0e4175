import { type ArgumentsHost, Catch, IntrinsicException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlArgumentsHost, type GqlContextType } from '@nestjs/graphql';
import type { GraphqlContext } from '../request/graphql-context.js';

/**
 * Each unexpected error logged once. Nest's handler logs whatever a resolver throws
 * ("ExceptionsHandler"), and for a GraphQL request over HTTP Apollo's unexpected-error plugin
 * (src/graphql/apollo-plugins.ts) logs it again, with the request id and the field's path: that
 * one is kept. Over WebSocket no Apollo plugin runs, so the error is logged here; plain HTTP
 * routes keep Nest's own handling.
 */
@Catch()
export class ErrorsLoggedOnceFilter extends BaseExceptionFilter {
  private static readonly graphqlLogger = new Logger('GraphQL');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType<GqlContextType>() !== 'graphql') return super.catch(exception, host);
    const context = GqlArgumentsHost.create(host).getContext<GraphqlContext | undefined>();
    if (!context?.req && exception instanceof Error && !(exception instanceof IntrinsicException)) {
      ErrorsLoggedOnceFilter.graphqlLogger.error({ err: exception, requestId: context?.ctx?.requestId }, 'unexpected error in a GraphQL operation over WebSocket');
    }
    throw exception;
  }
}
