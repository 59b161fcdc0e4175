import type { ApolloServerPlugin } from '@apollo/server';
import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import type { MetricsService } from '../metrics/metrics.service.js';
import { createErrorFormatter, isUnexpected } from '../common/errors/error-formatter.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import type { GraphqlContext } from '../common/request/graphql-context.js';

const logger = new Logger('GraphQL');
/** The formatter's classification (masking aside), so that the log and the response agree. */
const classify = createErrorFormatter({ maskUnexpected: false });

/** Request counts and durations per operation name, for GET /metrics. */
export function metricsPlugin(metrics: MetricsService): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(rc) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const body = rc.response.body;
          const failed = body.kind === 'single' && (body.singleResult.errors?.length ?? 0) > 0;
          const name = rc.operationName ?? rc.request.operationName;
          metrics.recordGraphqlRequest(name, rc.operation?.operation ?? 'unknown', failed ? 'error' : 'ok', seconds);
          // The request's log line names the operation as the metrics do (a name the client
          // made up for a document that did not parse can be of any length).
          if (name) rc.contextValue.ctx.operationName = name.slice(0, 100);
        },
      };
    },
  };
}

/**
 * Unexpected errors (anything that is not a DomainError nor a GraphQL parse or validation
 * error) are logged with the request id, and the id is put on the error the client sees, so
 * that an operator can find the log line from a user's report.
 */
export function unexpectedErrorPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors(rc) {
          for (const error of rc.errors) {
            // Exactly what the client is told is unexpected (INTERNAL_SERVER_ERROR) is logged.
            if (!isUnexpected(classify(error.toJSON(), error))) continue;
            const original = error.originalError;
            logger.error({ err: original ?? error, requestId: rc.contextValue.ctx.requestId, path: error.path }, 'unexpected error in a GraphQL request');
          }
        },
        async willSendResponse(rc) {
          const body = rc.response.body;
          if (body.kind !== 'single') return;
          for (const error of body.singleResult.errors ?? []) {
            if (error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) {
              (error.extensions as Record<string, unknown>).requestId = rc.contextValue.ctx.requestId;
            }
          }
        },
      };
    },
  };
}

/**
 * A RATE_LIMITED answer tells the client when to try again in the standard header as well as in
 * `extensions.retryAfterSeconds`, so that HTTP clients and proxies that know Retry-After back
 * off without reading GraphQL errors. (UNAUTHENTICATED gets none: the same credentials will not
 * do better later, and a failed login that locks is answered RATE_LIMITED from then on.)
 */
export function retryAfterPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          if (body.kind !== 'single') return;
          const seconds = (body.singleResult.errors ?? [])
            .filter((e) => e.extensions?.code === ErrorCode.RATE_LIMITED)
            .map((e) => Number(e.extensions?.retryAfterSeconds))
            .filter((n) => Number.isFinite(n) && n > 0);
          if (seconds.length) rc.response.http.headers.set('retry-after', String(Math.ceil(Math.max(...seconds))));
        },
      };
    },
  };
}

export const SUBSCRIPTION_OVER_HTTP_MESSAGE = 'Subscriptions are served over graphql-ws (WebSocket) at /graphql, not over HTTP';

/**
 * A subscription sent as an HTTP POST has no event stream to run in: graphql-js would resolve
 * its root field to null and fail as an internal error. It is the request that is wrong, and
 * the caller is told where subscriptions are served. (graphql-ws does not pass through here.)
 */
export function subscriptionOverHttpPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (rc.operation?.operation !== 'subscription') return;
          throw new GraphQLError(SUBSCRIPTION_OVER_HTTP_MESSAGE, {
            extensions: {
              code: ErrorCode.BAD_USER_INPUT,
              validationErrors: [{ field: 'query', message: SUBSCRIPTION_OVER_HTTP_MESSAGE }],
              http: { status: 400 },
            },
          });
        },
      };
    },
  };
}
