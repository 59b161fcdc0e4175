import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Lexer, Source, TokenKind } from 'graphql';
import { loadConfig } from '../src/config/app-config.js';
import { userSession } from './support/factories.js';
import { WsClient } from './support/ws-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 7, "GraphQL limits": each limit of graphql-armor, graphql-js's parser and the body
 * parser, tested exactly at the configured value (accepted) and one past it (refused with a
 * contract code and a status below 500), on the hub as configured by default.
 * (CSRF prevention, introspection and suggestions in production: test/graphql-plumbing.e2e-spec.ts.)
 */
/** Lexical tokens of a document as graphql-js's parser counts them (EOF excluded). */
function countTokens(doc: string): number {
  const lexer = new Lexer(new Source(doc));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
}

describe('GraphQL limits, at the limit and one past it', () => {
  let hub: TestApp;
  let viewerToken: string;
  const limits = loadConfig({ NODE_ENV: 'test' }).graphql;
  const bodyLimit = loadConfig({ NODE_ENV: 'test' }).http.bodyLimitBytes;

  beforeAll(async () => {
    const app = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
    const viewer = await userSession(app, 'VIEWER');
    viewerToken = viewer.accessToken;
    hub = { ...app, gql: (q, v, h = {}) => app.gql(q, v, { ...viewer.headers, ...h }) };
  });
  afterAll(() => hub.close());

  async function expectAccepted(query: string, variables?: Record<string, unknown>) {
    const res = await hub.gql(query, variables);
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.body.data).toBeDefined();
  }

  async function expectRefused(query: string, code: string, message: RegExp, variables?: Record<string, unknown>) {
    const res = await hub.gql(query, variables);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].extensions.code).toBe(code);
    expect(res.body.errors![0].message).toMatch(message);
  }

  it('uses the documented defaults', () => {
    expect({ ...limits, bodyLimit }).toMatchObject({ maxDepth: 12, maxAliases: 15, maxTokens: 3000, maxCost: 20000, maxDirectives: 20, bodyLimit: 100 * 1024 });
  });

  it('depth: a selection exactly as deep as GRAPHQL_MAX_DEPTH is accepted, one level deeper refused', async () => {
    // me > organisation > holdings > organisation > … > __typename: `depth` levels in all.
    const deep = (depth: number) => {
      const fields = ['me', ...Array.from({ length: depth - 2 }, (_, i) => (i % 2 === 0 ? 'organisation' : 'holdings'))];
      return `{ ${fields.map((f) => `${f} { `).join('')}__typename${' }'.repeat(fields.length)} }`;
    };
    await expectAccepted(deep(limits.maxDepth));
    await expectRefused(deep(limits.maxDepth + 1), 'GRAPHQL_VALIDATION_FAILED', new RegExp(`depth limit of ${limits.maxDepth} exceeded, found ${limits.maxDepth + 1}`));
  });

  it('depth: fragments do not hide depth', async () => {
    const fields = Array.from({ length: limits.maxDepth - 1 }, (_, i) => (i % 2 === 0 ? 'organisation' : 'holdings'));
    const query = `{ me { ...F } } fragment F on User { ${fields.map((f) => `${f} { `).join('')}__typename${' }'.repeat(fields.length)} }`;
    await expectRefused(query, 'GRAPHQL_VALIDATION_FAILED', /depth limit/);
  });

  it('aliases: GRAPHQL_MAX_ALIASES aliases are accepted, one more refused', async () => {
    // (Aliases of __typename are free in armor's count: they cost nothing to resolve.)
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    await expectAccepted(aliases(limits.maxAliases));
    await expectRefused(aliases(limits.maxAliases + 1), 'GRAPHQL_VALIDATION_FAILED', new RegExp(`Aliases limit of ${limits.maxAliases} exceeded, found ${limits.maxAliases + 1}`));
  });

  it('tokens: a document of exactly GRAPHQL_MAX_TOKENS tokens is parsed, one more token refused with GRAPHQL_PARSE_FAILED', async () => {
    // The tokens are the elements of a variable's default list; the request gives the variable,
    // so the default is parsed and validated but never used. (Thousands of repeated fields would
    // instead meet graphql-js's own validation budget for overlapping fields.)
    const withElements = (m: number) => `query ($k: [OrganisationKind!] = [${Array(m).fill('OTHER').join(' ')}]) { organisations(kind: $k, first: 1) { totalCount } }`;
    const fixed = countTokens(withElements(0));
    const tokens = (n: number) => {
      const doc = withElements(n - fixed);
      expect(countTokens(doc)).toBe(n);
      return doc;
    };
    await expectAccepted(tokens(limits.maxTokens), { k: ['OTHER'] });
    await expectRefused(tokens(limits.maxTokens + 1), 'GRAPHQL_PARSE_FAILED', new RegExp(`more th\\w+ ${limits.maxTokens} tokens`), { k: ['OTHER'] });
  });

  it('the budget of graphql-js for comparing overlapping fields refuses thousands of repeated fields with a code and 400', async () => {
    const res = await hub.gql(`{ ${Array(2000).fill('__typename').join(' ')} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('cost: a query costing exactly GRAPHQL_MAX_COST is accepted, one costing one more refused', async () => {
    // The cost (src/graphql/cost-limit.ts): an object costs 2 and a scalar 1, times the number of
    // times it can occur. organisations(first: 100) { nodes { 197 × id } } = 2 + 100 × (2 + 197)
    // = 19902, and each top-level __typename adds 1.
    expect(limits.maxCost).toBe(20000);
    const costly = (extra: number) => `{ organisations(first: 100) { nodes { ${Array(197).fill('id').join(' ')} } } ${Array(extra).fill('__typename').join(' ')} }`;
    await expectAccepted(costly(98));
    await expectRefused(costly(99), 'GRAPHQL_VALIDATION_FAILED', /Cost limit of 20000 exceeded, found 20001/);
  });

  it('cost: list sizes multiply, whether a page is asked for in the text, in a variable, or not at all', async () => {
    // Issue 15: about 200 bytes that answered 689 KB in 2.8 s. Each holdings list is assumed to
    // hold 5, the page 100: 2 + 100 × (2 + 5 × (4 + 5 × (4 + 5 × (4 + 5 × (2 + 1))))) = 249702.
    const nested = `{ organisations(first: 100) { nodes { holdings { organisation { holdings { organisation { holdings { organisation { holdings { id } } } } } } } } } }`;
    await expectRefused(nested, 'GRAPHQL_VALIDATION_FAILED', /Cost limit of 20000 exceeded, found 249702/);
    // A page in a variable counts as the largest page (its default when it has one), not as 1.
    const inVariable = `query ($n: Int) { organisations(first: $n) { nodes { holdings { organisation { holdings { organisation { holdings { id } } } } } } } }`;
    await expectRefused(inVariable, 'GRAPHQL_VALIDATION_FAILED', /Cost limit of 20000 exceeded/, { n: 100 });
    const withDefault = `query ($n: Int = 2) { organisations(first: $n) { nodes { holdings { organisation { holdings { organisation { holdings { id } } } } } } } }`;
    await expectAccepted(withDefault);
    // Without `first`, a connection has its default page: 20 here, 2 + 20 × (2 + 5 × (4 + 5 × 3)) = 1942.
    await expectAccepted(`{ organisations { nodes { holdings { organisation { holdings { id } } } } } }`);
    // What the clients ask for stays well inside: the bench's incident list at its largest page and the operational picture.
    await expectAccepted(`query ($first: Int!) { incidents(first: $first) { totalCount nodes {
      id reference title status participants { lead organisation { id name } }
      situationReports(first: 3) { totalCount nodes { id version operationalStatus submittedAt } } } } }`, { first: 100 });
  });

  it('cost: a small GRAPHQL_MAX_COST is enforced just as exactly', async () => {
    const small = await startTestApp({ GRAPHQL_MAX_COST: '100' });
    try {
      const typenames = (n: number) => `{ ${Array(n).fill('__typename').join(' ')} }`;
      expect((await small.gql(typenames(100))).body.errors).toBeUndefined();
      const res = await small.gql(typenames(101));
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.body.errors?.[0].message).toMatch(/Cost limit of 100 exceeded, found 101/);
    } finally {
      await small.close();
    }
  });

  it('directives: GRAPHQL_MAX_DIRECTIVES directives are accepted, one more refused', async () => {
    const directives = (n: number) => `{ ${Array(n).fill('__typename @include(if: true)').join(' ')} }`;
    await expectAccepted(directives(limits.maxDirectives));
    await expectRefused(directives(limits.maxDirectives + 1), 'GRAPHQL_VALIDATION_FAILED', new RegExp(`Directives limit of ${limits.maxDirectives} exceeded, found ${limits.maxDirectives + 1}`));
  });

  describe('request body size', () => {
    // A valid request padded with white space (not a token) to exactly `bytes` bytes.
    const bodyOf = (bytes: number) => {
      const head = '{"query":"{ __typename ';
      const tail = '}"}';
      return head + ' '.repeat(bytes - head.length - tail.length) + tail;
    };

    it('accepts a body of exactly GRAPHQL_BODY_LIMIT_BYTES', async () => {
      const body = bodyOf(bodyLimit);
      expect(Buffer.byteLength(body)).toBe(bodyLimit);
      const res = await hub.post(body);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ data: { __typename: 'Query' } });
    });

    it('refuses one byte more with 413 and a GraphQL error', async () => {
      const body = bodyOf(bodyLimit + 1);
      expect(Buffer.byteLength(body)).toBe(bodyLimit + 1);
      const res = await hub.post(body);
      expect(res.status).toBe(413);
      expect(res.json()).toEqual({
        errors: [{ message: 'The request body is too large', extensions: { code: 'BAD_USER_INPUT', validationErrors: [{ field: 'body', message: 'The request body is too large' }] } }],
      });
    });

    it('counts bytes, not characters', async () => {
      // Two-byte characters: half as many characters fill the limit.
      const head = '{"query":"{ __typename }","variables":{"pad":"';
      const tail = '"}}';
      const room = bodyLimit - head.length - tail.length;
      const res = await hub.post(head + 'é'.repeat(Math.floor(room / 2) + 1) + tail);
      expect(res.status).toBe(413);
    });
  });

  describe('batched operations (batching is off)', () => {
    it('refuses a JSON array of operations with a clear error, status 400', async () => {
      const res = await hub.post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
      expect(res.status).toBe(400);
      const error = res.json().errors[0];
      expect(error.message).toMatch(/batching disabled/i);
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
    });

    it('refuses a one-element array and an empty array alike', async () => {
      for (const body of [JSON.stringify([{ query: '{ __typename }' }]), '[]']) {
        const res = await hub.post(body);
        expect(res.status).toBe(400);
        expect(res.json().errors[0].extensions.code).toBe('BAD_USER_INPUT');
      }
    });
  });

  describe('subscriptions over graphql-ws: the same limits, answered on the subscription', () => {
    let ws: WsClient;
    beforeAll(async () => {
      ws = await WsClient.forToken(hub.url, viewerToken);
    });
    afterAll(() => ws.close());

    /** The subscription's first result, or undefined when it is still quietly open after `ms`. */
    async function outcome(query: string, ms = 300) {
      const sub = await ws.subscribe(query, undefined, 0);
      const [first] = await sub.drain(ms);
      sub.unsubscribe();
      return first;
    }

    async function expectRefusedOverWs(query: string, code: string, message: RegExp) {
      const first = await outcome(query);
      expect(first?.errors).toHaveLength(1);
      expect(first!.errors![0].extensions).toEqual({ code });
      expect(first!.errors![0].message).toMatch(message);
    }

    it('depth and aliases: at the limit accepted, one past it refused; one token past the limit refused', async () => {
      // incidentChanged > participants > organisation > holdings > organisation > … > __typename.
      const deep = (depth: number) => {
        const fields = ['incidentChanged', 'participants', ...Array.from({ length: depth - 3 }, (_, i) => (i % 2 === 0 ? 'organisation' : 'holdings'))];
        return `subscription { ${fields.map((f) => `${f} { `).join('')}__typename${' }'.repeat(fields.length)} }`;
      };
      expect(await outcome(deep(limits.maxDepth))).toBeUndefined();
      await expectRefusedOverWs(deep(limits.maxDepth + 1), 'GRAPHQL_VALIDATION_FAILED', new RegExp(`depth limit of ${limits.maxDepth} exceeded, found ${limits.maxDepth + 1}`));

      const aliases = (n: number) => `subscription { incidentChanged { ${Array.from({ length: n }, (_, i) => `a${i}: participants { lead }`).join(' ')} } }`;
      expect(await outcome(aliases(limits.maxAliases))).toBeUndefined();
      await expectRefusedOverWs(aliases(limits.maxAliases + 1), 'GRAPHQL_VALIDATION_FAILED', new RegExp(`Aliases limit of ${limits.maxAliases} exceeded, found ${limits.maxAliases + 1}`));

      // Tokens at the limit are accepted over HTTP (above); here no subscription takes a variable
      // that would let the padding validate, so only the refusal one token past it is checked.
      const withElements = (m: number) => `subscription ($k: [String!] = [${Array(m).fill('"x"').join(' ')}]) { incidentChanged { id } }`;
      const tokens = (n: number) => withElements(n - countTokens(withElements(0)));
      expect(countTokens(tokens(limits.maxTokens + 1))).toBe(limits.maxTokens + 1);
      await expectRefusedOverWs(tokens(limits.maxTokens + 1), 'GRAPHQL_PARSE_FAILED', new RegExp(`more th\\w+ ${limits.maxTokens} tokens`));
    });

    it('a syntax error is GRAPHQL_PARSE_FAILED on that subscription; the socket and its other subscriptions stay open', async () => {
      const open = await ws.subscribe('subscription { incidentChanged { id } }', undefined, 0);
      await expectRefusedOverWs('subscription { incidentChanged { id }', 'GRAPHQL_PARSE_FAILED', /Syntax Error/);
      await expectRefusedOverWs('subscription { incidentChanged { nope } }', 'GRAPHQL_VALIDATION_FAILED', /Cannot query field "nope"/);
      expect(await open.drain(200)).toEqual([]);
      expect(await outcome('subscription { incidentChanged { id } }')).toBeUndefined();
      open.unsubscribe();
    });
  });
});
