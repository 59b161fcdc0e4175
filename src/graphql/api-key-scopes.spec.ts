import { describe, expect, it } from '@jest/globals';
import { graphql, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, subscribe } from 'graphql';
import type { Authenticator } from '../common/auth/authenticator.js';
import type { Principal } from '../common/auth/principal.js';
import { REQUIRES_SCOPE } from '../common/auth/requires-scope.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { RequestContext } from '../common/request/request-context.js';
import type { GraphqlContext } from '../common/request/graphql-context.js';
import { apiKeyRuleOf, enforceApiKeyScopes } from './api-key-scopes.js';

const Organisation = new GraphQLObjectType({ name: 'Organisation', fields: { name: { type: GraphQLString } } });
const Report = new GraphQLObjectType({
  name: 'Report',
  extensions: { [REQUIRES_SCOPE]: ApiScope.REPORTS_READ },
  fields: () => ({ text: { type: GraphQLString }, organisation: { type: Organisation }, incident: { type: Incident, resolve: () => incident } }),
});
const Undeclared = new GraphQLObjectType({ name: 'Undeclared', fields: { x: { type: GraphQLString } } });
const PageInfo = new GraphQLObjectType({ name: 'PageInfo', fields: { endCursor: { type: GraphQLString } } });
const ReportEdge = new GraphQLObjectType({ name: 'ReportEdge', fields: { cursor: { type: GraphQLString }, node: { type: Report } } });
const ReportConnection = new GraphQLObjectType({
  name: 'ReportConnection',
  fields: { nodes: { type: new GraphQLList(Report) }, edges: { type: new GraphQLList(ReportEdge) }, pageInfo: { type: PageInfo } },
});
const report = { text: 'Läget är lugnt', organisation: { name: 'Kommunen' } };
const Incident: GraphQLObjectType = new GraphQLObjectType({
  name: 'Incident',
  extensions: { [REQUIRES_SCOPE]: ApiScope.INCIDENTS_READ },
  fields: {
    title: { type: GraphQLString },
    latestReport: { type: Report },
    reports: { type: new GraphQLNonNull(ReportConnection), resolve: () => ({ nodes: [report], edges: [{ cursor: 'c', node: report }], pageInfo: {} }) },
    odd: { type: Undeclared, resolve: () => ({ x: 'x' }) },
  },
});
const incident = { title: 'Storm', latestReport: report };

function schema(events: string[] = []): GraphQLSchema {
  return enforceApiKeyScopes(
    new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { incident: { type: Incident, resolve: () => incident }, organisation: { type: Organisation, resolve: () => report.organisation } } }),
      mutation: new GraphQLObjectType({ name: 'Mutation', fields: { submitReport: { type: Report, resolve: () => (events.push('submitted'), report) } } }),
      subscription: new GraphQLObjectType({
        name: 'Subscription',
        fields: {
          reportSubmitted: {
            type: Report,
            subscribe: async function* () {
              yield { reportSubmitted: report };
            },
          },
        },
      }),
    }),
    // Only root query fields over HTTP ask; these contexts carry their principal already.
    { authenticate: () => Promise.reject(new Error('not over HTTP')) } as unknown as Authenticator,
  );
}

const key = (...scopes: ApiScope[]): Principal => ({ kind: 'apiKey', userId: null, apiKeyId: 'k', organisationId: 'o', role: Role.LIAISON_OFFICER, scopes });
const user: Principal = { kind: 'user', userId: 'u', apiKeyId: null, organisationId: 'o', role: Role.VIEWER, scopes: null };

function contextOf(principal: Principal): GraphqlContext {
  const ctx = new RequestContext('r', null);
  ctx.principal = principal;
  return { ctx };
}

async function run(principal: Principal, source: string, events?: string[]) {
  const result = await graphql({ schema: schema(events), source, contextValue: contextOf(principal) });
  return { data: result.data, errors: result.errors?.map((e) => ({ path: e.path?.join('.'), code: (e.originalError as { code?: string })?.code, message: e.message })) };
}

describe('apiKeyRuleOf', () => {
  it('reads a type\'s declared scope, gives connections and edges their node\'s, and knows the scope-free list', () => {
    expect(apiKeyRuleOf(Report)).toEqual({ scope: ApiScope.REPORTS_READ });
    expect(apiKeyRuleOf(ReportConnection)).toEqual({ scope: ApiScope.REPORTS_READ });
    expect(apiKeyRuleOf(ReportEdge)).toEqual({ scope: ApiScope.REPORTS_READ });
    expect(apiKeyRuleOf(Organisation)).toBe('scope-free');
    expect(apiKeyRuleOf(Undeclared)).toBe('undeclared');
  });
});

describe('enforceApiKeyScopes', () => {
  it('refuses a nested field whose type the key\'s scopes do not cover, naming the scope; null propagation does the rest', async () => {
    const res = await run(key(ApiScope.INCIDENTS_READ), '{ incident { title latestReport { text } } }');
    expect(res.data).toEqual({ incident: { title: 'Storm', latestReport: null } });
    expect(res.errors).toEqual([{ path: 'incident.latestReport', code: 'FORBIDDEN', message: expect.stringContaining('REPORTS_READ') }]);
    // A non-null connection takes its parent with it.
    expect((await run(key(ApiScope.INCIDENTS_READ), '{ incident { title reports { pageInfo { endCursor } } } }')).data).toEqual({ incident: null });
  });

  it('lets a key with the scopes, and any user, read everything', async () => {
    const q = '{ incident { latestReport { text organisation { name } } reports { edges { node { text } } } } organisation { name } }';
    for (const p of [key(ApiScope.INCIDENTS_READ, ApiScope.REPORTS_READ), user]) {
      const res = await run(p, q);
      expect(res.errors).toBeUndefined();
      expect(res.data?.incident).toMatchObject({ latestReport: { text: 'Läget är lugnt' } });
    }
  });

  it('checks root query fields too, and leaves scope-free types to any key', async () => {
    const res = await run(key(ApiScope.REPORTS_READ), '{ incident { title } organisation { name } }');
    expect(res.data).toEqual({ incident: null, organisation: { name: 'Kommunen' } });
    expect(res.errors).toEqual([{ path: 'incident', code: 'FORBIDDEN', message: expect.stringContaining('INCIDENTS_READ') }]);
  });

  it('refuses a type that declares no rule to every key', async () => {
    const res = await run(key(...Object.values(ApiScope)), '{ incident { odd { x } } }');
    expect(res.errors).toEqual([{ path: 'incident.odd', code: 'FORBIDDEN', message: expect.stringContaining('declares no API-key scope') }]);
    expect((await run(user, '{ incident { odd { x } } }')).data).toEqual({ incident: { odd: { x: 'x' } } });
  });

  it('leaves a root mutation field to its own rule; the fields below it follow the type rule', async () => {
    const events: string[] = [];
    const res = await run(key(ApiScope.REPORTS_WRITE), 'mutation { submitReport { text incident { title } } }', events);
    expect(res.data).toEqual({ submitReport: { text: 'Läget är lugnt', incident: null } });
    expect(res.errors).toEqual([{ path: 'submitReport.incident', code: 'FORBIDDEN', message: expect.stringContaining('INCIDENTS_READ') }]);
    expect(events).toEqual(['submitted']);
  });

  it('refuses a subscription when subscribing', async () => {
    const refused = await subscribe({ schema: schema(), document: parse('subscription { reportSubmitted { text } }'), contextValue: contextOf(key(ApiScope.INCIDENTS_READ)) });
    expect('errors' in refused && refused.errors?.[0].message).toContain('REPORTS_READ');
    const stream = await subscribe({ schema: schema(), document: parse('subscription { reportSubmitted { text } }'), contextValue: contextOf(key(ApiScope.REPORTS_READ)) });
    expect(Symbol.asyncIterator in stream).toBe(true);
  });
});
