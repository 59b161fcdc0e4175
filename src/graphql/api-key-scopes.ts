import {
  defaultFieldResolver,
  getNamedType,
  isCompositeType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { Authenticator } from '../common/auth/authenticator.js';
import type { Principal } from '../common/auth/principal.js';
import { REQUIRES_SCOPE } from '../common/auth/requires-scope.decorator.js';
import type { ApiScope } from '../common/auth/roles.js';
import { ForbiddenError } from '../common/errors/domain-errors.js';
import type { GraphqlContext } from '../common/request/graphql-context.js';

/**
 * The object types that no API-key scope governs, all in one place: an API key reads them
 * wherever an operation it may call leads. Every other object type declares its scope with
 * `@RequiresScope` on its class; a type that does neither is refused to API keys until it does
 * (and test/field-scope-matrix.e2e-spec.ts fails).
 */
export const SCOPE_FREE_TYPES: ReadonlySet<string> = new Set([
  // The directory and its people: any principal may read them (DESIGN.md, "Principals and access").
  'Organisation',
  'User',
  // Values with no subject of their own.
  'PageInfo',
  'GeoPoint',
  // Reached only through operations that API keys may never call (sign-in, key management, audit).
  'AuthPayload',
  'ApiKey',
  'CreatedApiKey',
  'AuditEvent',
  'AuditChainVerification',
  'NotificationPreferences',
]);

/** What an API key needs to read a type: a scope, nothing at all, or (undeclared) it may not. */
export type ApiKeyRule = { scope: ApiScope } | 'scope-free' | 'undeclared';

/** The rule of a type; a Relay connection (`nodes` beside `pageInfo`) or edge (`node` beside `cursor`) has its node's. */
export function apiKeyRuleOf(type: GraphQLNamedType): ApiKeyRule {
  const scope = type.extensions?.[REQUIRES_SCOPE] as ApiScope | undefined;
  if (scope) return { scope };
  if (SCOPE_FREE_TYPES.has(type.name)) return 'scope-free';
  if (isObjectType(type)) {
    const fields = type.getFields();
    const node = fields.pageInfo ? fields.nodes : fields.cursor ? fields.node : undefined;
    if (node) return apiKeyRuleOf(getNamedType(node.type));
  }
  return 'undeclared';
}

function refusal(rule: Exclude<ApiKeyRule, 'scope-free'>, typeName: string): (p: Principal | undefined) => void {
  return (p) => {
    if (p?.kind !== 'apiKey') return;
    if (rule === 'undeclared') throw new ForbiddenError(`${typeName} declares no API-key scope; API keys may not read it`);
    if (!p.scopes?.includes(rule.scope)) throw new ForbiddenError(`This API key lacks the scope ${rule.scope}, which reading ${typeName} needs`);
  };
}

/**
 * The principal of the request. A root query field runs before its guard has authenticated an
 * HTTP request (once per request; the result is kept), so it asks first; credentials that do not
 * verify are left to the guard to refuse. Over graphql-ws the connection is authenticated.
 */
function principalOf(context: GraphqlContext, authn: Authenticator): Principal | undefined | Promise<Principal | undefined> {
  const { ctx, req } = context;
  if (ctx.principal || !req?.headers) return ctx.principal;
  return authn.authenticate(req).then(
    (c) => c.principal,
    () => undefined,
  );
}

/**
 * `transformSchema`: every field whose type is scoped (or undeclared) checks, before it
 * resolves, that an API key holds the type's scope, and answers FORBIDDEN naming the scope
 * otherwise; GraphQL's null propagation does the rest. That holds at any depth, over HTTP and
 * graphql-ws alike (the subscription server is given this same schema). Root mutation fields
 * are exempt: their own `@Allow(role, { scope: X_WRITE })` decides, so a key that may write
 * gets what it wrote; the fields below them follow the type rule. Root query fields are
 * checked here as well as by their guard (the two scopes agree); root subscription fields
 * when subscribing. Fields of scope-free types are left as they are.
 */
export function enforceApiKeyScopes(schema: GraphQLSchema, authn: Authenticator): GraphQLSchema {
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type === mutation) continue;
    for (const field of Object.values(type.getFields())) {
      const target = getNamedType(field.type);
      if (!isCompositeType(target)) continue;
      const rule = apiKeyRuleOf(target);
      if (rule === 'scope-free') continue;
      const check = refusal(rule, target.name);
      if (type === subscription) {
        const subscribe: GraphQLFieldResolver<unknown, GraphqlContext> = field.subscribe ?? defaultFieldResolver;
        field.subscribe = (parent, args, context: GraphqlContext, info) => {
          check(context.ctx.principal);
          return subscribe(parent, args, context, info);
        };
        continue;
      }
      const resolve: GraphQLFieldResolver<unknown, GraphqlContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, context: GraphqlContext, info) => {
        const p = principalOf(context, authn);
        if (!(p instanceof Promise)) {
          check(p);
          return resolve(parent, args, context, info);
        }
        return p.then((principal) => {
          check(principal);
          return resolve(parent, args, context, info);
        });
      };
    }
  }
  return schema;
}
