import type { ApolloServerPlugin } from '@apollo/server';
import { Logger } from '@nestjs/common';
import type { MetricsService } from '../../metrics/metrics.service.js';
import { DomainError } from '../errors/domain-errors.js';
import { ErrorCode } from '../errors/error-codes.js';
import type { GraphqlContext } from '../request/graphql-context.js';

const logger = new Logger('GraphQL');

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
          metrics.recordGraphqlRequest(rc.operationName ?? rc.request.operationName, rc.operation?.operation ?? 'unknown', failed ? 'error' : 'ok', seconds);
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
            const original = error.originalError;
            const code = error.extensions?.code;
            if (original instanceof DomainError) continue;
            if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR && !original) continue;
            if (code === ErrorCode.BAD_USER_INPUT || code === ErrorCode.GRAPHQL_PARSE_FAILED || code === ErrorCode.GRAPHQL_VALIDATION_FAILED) continue;
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
