import type { ApolloServerPlugin } from '@apollo/server';
import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../common/errors/error-codes.js';
import type { GraphqlContext } from '../common/request/graphql-context.js';
import { hubTracer } from '../common/tracing/tracer.js';

/** The operation span of each HTTP request to /graphql, found again by Apollo's plugin. */
const operationSpans = new WeakMap<FastifyRequest, Span>();

/**
 * Opens a span around a GraphQL request over HTTP and makes it the active one, so that the
 * statements, Redis commands and events of the operation are its children. Apollo's hooks cannot
 * wrap the execution, hence a Fastify hook in front of it (`preHandler`, after the body is read:
 * Fastify goes on to the handler within `done`); operationSpanPlugin names the span once the
 * operation is known. With tracing off (or the request not sampled) nothing is kept.
 */
export function operationSpanHook(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (req.routeOptions.url !== '/graphql') return done();
  const span = hubTracer.startSpan('graphql');
  if (!span.isRecording()) return done();
  operationSpans.set(req, span);
  const end = () => span.end();
  reply.raw.once('close', end);
  context.with(trace.setSpan(context.active(), span), done);
}

/**
 * Names the operation span `<type> <name>` with the operation's type and name and the request
 * id, and marks it failed when the client is told of an internal error. Never the document, the
 * variables or what the answer holds: they can carry personal data and credentials.
 */
export function operationSpanPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart(start) {
      const span = start.contextValue.req && operationSpans.get(start.contextValue.req);
      if (!span) return;
      span.setAttribute('hub.request_id', start.contextValue.ctx.requestId);
      return {
        async didResolveOperation(rc) {
          const type = rc.operation?.operation ?? 'unknown';
          const name = rc.operationName?.slice(0, 100);
          span.updateName(name ? `${type} ${name}` : type);
          span.setAttribute('graphql.operation.type', type);
          if (name) span.setAttribute('graphql.operation.name', name);
        },
        async willSendResponse(rc) {
          const body = rc.response.body;
          if (body.kind !== 'single' || !body.singleResult.errors?.length) return;
          const codes = [...new Set(body.singleResult.errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN')))];
          span.setAttribute('hub.graphql.error_codes', codes);
          if (codes.includes(ErrorCode.INTERNAL_SERVER_ERROR)) span.setStatus({ code: SpanStatusCode.ERROR, message: ErrorCode.INTERNAL_SERVER_ERROR });
        },
      };
    },
  };
}
