import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import type { GraphqlContext } from '../request/graphql-context.js';
import { requestContextOf } from '../request/graphql-context.js';
import type { RequestContext } from '../request/request-context.js';

export function requestContextFrom(context: ExecutionContext): RequestContext {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<GraphqlContext>().ctx;
  }
  return requestContextOf(context.switchToHttp().getRequest<FastifyRequest>());
}

/** The request context, as the first argument a resolver passes to its service. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext) => requestContextFrom(context));
