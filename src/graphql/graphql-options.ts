import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { FastifyRequest } from 'fastify';
import { NoSchemaIntrospectionCustomRule, type ExecutionResult, type GraphQLError } from 'graphql';
import type { AppConfig } from '../config/app-config.js';
import type { MetricsService } from '../metrics/metrics.service.js';
import type { Authenticator } from '../common/auth/authenticator.js';
import type { PrincipalLookupService } from '../auth/principal-lookup.service.js';
import type { WebsocketSessionsService } from '../auth/websocket-sessions.service.js';
import { idempotencyPlugin } from './idempotency.plugin.js';
import type { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import type { RateLimiter } from '../common/rate-limit/rate-limiter.js';
import { createErrorFormatter } from '../common/errors/error-formatter.js';
import { requestContextOf, type GraphqlContext } from '../common/request/graphql-context.js';
import { metricsPlugin, retryAfterPlugin, subscriptionOverHttpPlugin, unexpectedErrorPlugin } from './apollo-plugins.js';
import { operationSpanPlugin } from './operation-span.js';
import { websocketContext, websocketOnClose, websocketOnConnect, type WsExtra } from './websocket-auth.js';
import { answerPresetFields } from '../common/graphql-fields/preset-fields.js';
import { enforceApiKeyScopes } from './api-key-scopes.js';
import { WsDocuments } from './ws-documents.js';
import { websocketOnSubscribe } from './websocket-operations.js';
import { ASSUMED_LIST_SIZE, costLimitRule } from './cost-limit.js';
import { MAX_PAGE_SIZE } from '../common/pagination/connection.js';

/**
 * The one GraphQL server configuration: code-first schema, the contract's error codes, the
 * limits of graphql-armor (depth, aliases, tokens, cost, directives), CSRF prevention, and no
 * GraphiQL, introspection or field suggestions in production.
 */
export interface GraphqlDeps {
  metrics: MetricsService;
  principals: PrincipalLookupService;
  authn: Authenticator;
  idempotency: IdempotencyService;
  sessions: WebsocketSessionsService;
  limiter: RateLimiter;
}

export function graphqlOptions(config: AppConfig, { metrics, principals, authn, idempotency, sessions, limiter }: GraphqlDeps): ApolloDriverConfig {
  const limits = config.graphql;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    // Armor's Apollo token plugin re-parses the document in a plugin hook and throws there, which
    // turns every syntax error into a 500; graphql-js's own parser limit does the same job and
    // fails as GRAPHQL_PARSE_FAILED with status 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    // The hub's own cost rule (costLimitRule) multiplies list sizes; armor's does not.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: config.production },
  });
  const protection = armor.protect();
  const validationRules = [...protection.validationRules, costLimitRule({ maxCost: limits.maxCost, listSize: ASSUMED_LIST_SIZE, maxPageSize: MAX_PAGE_SIZE })];
  const formatError = createErrorFormatter({ maskUnexpected: config.production, hideSuggestions: config.production });
  const formatAll = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e));
  // Apollo refuses introspection over HTTP in production with a rule of its own; graphql-ws
  // validates with these rules only, so the same refusal is one of them there.
  const wsRules = config.production ? [...validationRules, NoSchemaIntrospectionCustomRule] : validationRules;
  const documents = new WsDocuments({ maxTokens: limits.maxTokens, rules: wsRules, hideSuggestions: config.production });
  const graphqlWs = {
    path: '/graphql',
    onConnect: websocketOnConnect(principals, sessions) as never,
    onClose: websocketOnClose(sessions) as never,
    // The pipeline of HTTP for each operation (operations per socket, credentials, rate limit,
    // token limit, armor's rules, introspection), refusals answered on the operation.
    parse: documents.parse,
    validate: documents.validate,
    onSubscribe: websocketOnSubscribe({ sessions, limiter, documents, maxOperations: config.websocket.maxOperationsPerSocket }) as never,
    // graphql-ws does not go through Apollo's formatError: the same formatter gives
    // subscription errors (at subscribe time and per event) their contract codes.
    onError: (_ctx: unknown, _id: string, _payload: unknown, errors: readonly GraphQLError[]) => formatAll(errors),
    onNext: (_ctx: unknown, _id: string, _payload: unknown, _args: unknown, result: ExecutionResult) =>
      result.errors?.length ? { ...result, errors: formatAll(result.errors) } : undefined,
  };
  return {
    driver: ApolloDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // GraphiQL is served from the hub's own build (src/console/console-pages.ts), never from a CDN.
    graphiql: false,
    introspection: !config.production,
    csrfPrevention: true,
    parseOptions: { maxTokens: limits.maxTokens },
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: the hub's clients send whole documents, and a cache that
    // any caller can fill is one more thing to defend.
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    autoTransformHttpErrors: false,
    buildSchemaOptions: { dateScalarMode: 'isoDate' },
    // The scope check wraps the preset answers, so that a preset value is refused like a resolved one.
    transformSchema: (schema) => enforceApiKeyScopes(answerPresetFields(schema), authn),
    validationRules,
    // @nestjs/apollo's types resolve @apollo/server's CommonJS declarations, armor's and ours the
    // ESM ones: the same objects at run time, two declarations to TypeScript.
    // Apollo's cache-control plugin is on by default and wraps every field resolver to compute
    // HTTP cache hints the hub never sends (its answers are per principal, `no-store`): off.
    plugins: [ApolloServerPluginCacheControlDisabled(), ...protection.plugins, metricsPlugin(metrics), operationSpanPlugin(), unexpectedErrorPlugin(), subscriptionOverHttpPlugin(), idempotencyPlugin(idempotency, authn), retryAfterPlugin()] as unknown as ApolloDriverConfig['plugins'],
    formatError,
    subscriptions: { 'graphql-ws': graphqlWs },
    // Over HTTP Apollo's Fastify integration passes the request (Fastify's, with its Node request
    // as `raw`); graphql-ws operations pass an object with the connection's `extra`.
    context: (arg: FastifyRequest | { extra?: WsExtra }): GraphqlContext =>
      'raw' in arg ? { req: arg, ctx: requestContextOf(arg) } : { ctx: websocketContext(arg as never) },
  };
}
