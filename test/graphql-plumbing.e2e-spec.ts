import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, uniqueTag, userSession } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

describe('GraphQL plumbing', () => {
  let hub: TestApp;
  beforeAll(async () => {
    const app = await startTestApp();
    // Every request of this suite is made as a logged-in VIEWER, who may read the directory.
    const viewer = await userSession(app, 'VIEWER');
    hub = { ...app, gql: (q, v, h = {}) => app.gql(q, v, { ...viewer.headers, ...h }) };
  });
  afterAll(() => hub.close());

  describe('refusals: each is a GraphQL error with a code and a status below 500', () => {
    // Depth, aliases, tokens, cost, directives, body size and batching, each at its limit and
    // one past it: test/graphql-limits.e2e-spec.ts.

    it('answers a malformed document with GRAPHQL_PARSE_FAILED and 400', async () => {
      const res = await hub.gql(`{ organisations { `);
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|at .*\.js/);
    });

    it('answers a body that is not JSON with 400 and a GraphQL error', async () => {
      const res = await hub.post('{"query": ');
      expect(res.status).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('answers an unknown field with GRAPHQL_VALIDATION_FAILED', async () => {
      const res = await hub.gql(`{ organisations { nope } }`);
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('answers a variable of the wrong type with BAD_USER_INPUT', async () => {
      const res = await hub.gql(`query ($n: Int) { organisations(first: $n) { totalCount } }`, { n: 'many' });
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('refuses first: 1000 and first: 0 with BAD_USER_INPUT naming the argument', async () => {
      for (const first of [1000, 0, 101]) {
        const res = await hub.gql(`query ($first: Int) { organisations(first: $first) { totalCount } }`, { first });
        expect(res.status).toBeLessThan(500);
        expect(res.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
        expect(res.body.errors?.[0].extensions.validationErrors).toEqual([{ field: 'first', message: expect.stringContaining('first') }]);
      }
    });

    it('refuses a forged cursor with BAD_USER_INPUT', async () => {
      const res = await hub.gql(`{ organisations(after: "not-a-cursor") { totalCount } }`);
      expect(res.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0].extensions.validationErrors[0].field).toBe('after');
    });

    it('refuses an id that is not a UUID with BAD_USER_INPUT', async () => {
      const res = await hub.gql(`{ organisation(id: "1 OR 1=1") { id } }`);
      expect(res.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('prevents CSRF: a simple cross-site form post is not executed', async () => {
      const res = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        body: 'query=%7B__typename%7D',
      });
      expect(res.status).toBe(400);
      expect(await res.text()).not.toContain('"data"');
      const get = await fetch(`${hub.url}/graphql?query=%7B__typename%7D`);
      expect(get.status).toBe(400);
    });
  });

  describe('organisations: the directory as a Relay connection', () => {
    it('pages through a filtered directory with opaque cursors, in name order, without gaps or repeats', async () => {
      const tag = uniqueTag();
      const names = ['Alfa', 'Bravo', 'Charlie', 'Delta', 'Echo'].map((n) => `${tag} ${n}`);
      for (const name of [...names].reverse()) await createOrganisation(hub.db, { name, kind: 'UTILITY' });
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const res: any = await hub.gql(
          `query ($search: String, $after: String) { organisations(search: $search, first: 2, after: $after) {
             totalCount edges { cursor node { name kind } } nodes { name } pageInfo { hasNextPage endCursor } } }`,
          { search: tag, after },
        );
        const c = res.body.data.organisations;
        expect(c.totalCount).toBe(5);
        expect(c.nodes.map((n: any) => n.name)).toEqual(c.edges.map((e: any) => e.node.name));
        seen.push(...c.nodes.map((n: any) => n.name));
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor;
        expect(after).not.toContain(tag);
      }
      expect(seen).toEqual(names);
    });

    it('filters by kind and returns one organisation by id, null for an unknown id', async () => {
      const org = await createOrganisation(hub.db, { kind: 'ARMED_FORCES' });
      const res = await hub.gql(`query ($s: String) { organisations(search: $s, kind: [POLICE]) { totalCount } }`, { s: org.code });
      expect(res.body.data?.organisations.totalCount).toBe(0);
      const one = await hub.gql(`query ($id: ID!) { organisation(id: $id) { id code kind active } }`, { id: org.id });
      expect(one.body.data?.organisation).toEqual({ id: org.id, code: org.code, kind: 'ARMED_FORCES', active: true });
      const none = await hub.gql(`{ organisation(id: "00000000-0000-4000-8000-000000000000") { id } }`);
      expect(none.body).toEqual({ data: { organisation: null } });
    });
  });

  describe('metrics', () => {
    it('counts requests and durations per operation name', async () => {
      await hub.gql(`query DirectoryProbe { organisations(first: 1) { totalCount } }`);
      const res = await hub.get('/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/hub_graphql_requests_total\{operation="DirectoryProbe",type="query",outcome="ok"\} 1/);
      expect(res.text).toMatch(/hub_graphql_request_duration_seconds_count\{operation="DirectoryProbe",type="query"\} 1/);
    });
  });

  describe('request ids', () => {
    it('echoes a sane X-Request-Id and makes one otherwise', async () => {
      const mine = await hub.gql(`{ __typename }`, undefined, { 'x-request-id': 'abc-123' });
      expect(mine.headers.get('x-request-id')).toBe('abc-123');
      const made = await hub.gql(`{ __typename }`, undefined, { 'x-request-id': 'bad id with spaces' });
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});

describe('production mode', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-chars!' });
  });
  afterAll(() => hub.close());

  it('has no introspection, no field suggestions and no GraphiQL', async () => {
    const intro = await hub.gql(`{ __schema { types { name } } }`);
    expect(intro.body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await hub.gql(`{ organisations { totalCont } }`);
    expect(typo.body.errors?.[0].message).not.toMatch(/Did you mean/);
    const page = await fetch(`${hub.url}/graphql`, { headers: { accept: 'text/html' } });
    const text = await page.text();
    expect(text).not.toMatch(/<html|<script/i);
    // A browser opening /graphql is told that GraphiQL is off, not about CSRF.
    expect(page.status).toBe(400);
    expect(JSON.parse(text).errors[0].message).toMatch(/^GraphiQL is off in production/);
    expect(text).not.toMatch(/CSRF|Cross-Site/i);
  });

  it('suggests no enum values either, in a literal or a variable, over HTTP and WebSocket', async () => {
    const leaks = /Did you mean|MUNICIPALITY|"OPEN"/;
    const literal = await hub.gql(`{ organisations(kind: [MUNICIPALIT]) { totalCount } }`);
    expect(literal.body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(literal.body)).not.toMatch(leaks);
    const variable = await hub.gql(`query ($k: [OrganisationKind!]) { organisations(kind: $k) { totalCount } }`, { k: ['MUNICIPALIT'] });
    expect(variable.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(variable.body)).not.toMatch(leaks);

    const viewer = await userSession(hub, 'VIEWER');
    const ws = await WsClient.forToken(hub.url, viewer.accessToken);
    try {
      const inLiteral = await ws.subscribe(`subscription { incidentChanged { resourceRequests(status: [OPN]) { totalCount } } }`, undefined, 0);
      const inVariable = await ws.subscribe(
        `subscription ($s: [ResourceRequestStatus!]) { incidentChanged { resourceRequests(status: $s) { totalCount } } }`,
        { s: ['OPN'] },
        0,
      );
      for (const sub of [inLiteral, inVariable]) {
        const first = await sub.next(3000);
        expect(first.errors?.length).toBeGreaterThan(0);
        expect(JSON.stringify(first)).not.toMatch(leaks);
      }
    } finally {
      await ws.close();
    }
  });

  it('refuses introspection over graphql-ws as over HTTP; __typename is not introspection', async () => {
    const viewer = await userSession(hub, 'VIEWER');
    const ws = await WsClient.forToken(hub.url, viewer.accessToken);
    try {
      for (const query of [`{ __schema { types { name } } }`, `{ __type(name: "Incident") { fields { name } } }`, `subscription { incidentChanged { __schema: __typename } } query Q { __schema { queryType { name } } }`]) {
        const result = await (await ws.subscribe(query, undefined, 0)).next(3000);
        expect([query, result.errors?.[0].extensions?.code]).toEqual([query, 'GRAPHQL_VALIDATION_FAILED']);
        expect(result.data).toBeUndefined();
      }
      expect((await (await ws.subscribe(`{ __typename }`, undefined, 0)).next(3000)).data).toEqual({ __typename: 'Query' });
    } finally {
      await ws.close();
    }
  });

  it('in development, suggestions help the developer', async () => {
    const dev = await startTestApp();
    try {
      const typo = await dev.gql(`{ organisations { totalCont } }`);
      expect(typo.body.errors?.[0].message).toMatch(/Did you mean "totalCount"/);
    } finally {
      await dev.close();
    }
  });
});
