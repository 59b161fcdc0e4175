import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { getIntrospectionQuery } from 'graphql';
import { verifyInvariants } from '../src/verify/invariants.js';
import { createApiKey, createOrganisation, createUser, TEST_PASSWORD, userSession } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { insertLink } from './support/link-fixtures.js';
import { createRequest, insertHolding, insertResourceType, offer } from './support/resource-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * Fuzzing (issue 7): at least FUZZ_RUNS (default 10,000) generated requests against the real hub,
 * in parallel batches: malformed documents, wrong variable types, nulls, huge and odd Unicode,
 * deep nesting, unknown fields and arguments, odd HTTP bodies and headers, and random mixes of
 * every Query and Mutation of the served schema (taken from introspection, so a new operation
 * is fuzzed without touching this file) with arguments generated from their types, sometimes the
 * ids of real fixtures, as each kind of principal.
 *
 * Pass: no status ≥ 500, every error carries a contract code other than INTERNAL_SERVER_ERROR,
 * nothing logged as unexpected, no unhandled rejection or uncaught exception, the hub still
 * answers its health checks, and invariants 1–5 hold over the whole database afterwards.
 *
 * Replay a failure with the seed it prints: FUZZ_SEED=<seed> npm test -- test/fuzz
 */

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 12);
const CHUNK = 500;
const BODY_LIMIT = 100 * 1024;

/** The contract's codes; INTERNAL_SERVER_ERROR is in the contract but is a failure here. */
const ACCEPTED_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
]);

// ------------------------------------------------------------------ the schema, from introspection

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
}
interface Field {
  name: string;
  args: InputValue[];
  type: TypeRef;
}
interface FullType {
  kind: string;
  name: string;
  fields: Field[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
}
interface Schema {
  types: Map<string, FullType>;
  queries: Field[];
  mutations: Field[];
}

function typeString(t: TypeRef): string {
  if (t.kind === 'NON_NULL') return `${typeString(t.ofType!)}!`;
  if (t.kind === 'LIST') return `[${typeString(t.ofType!)}]`;
  return t.name!;
}

function namedType(t: TypeRef): TypeRef {
  return t.ofType ? namedType(t.ofType) : t;
}

// ------------------------------------------------------------------ the world the fuzzer acts in

type PrincipalName = 'anonymous' | 'viewer' | 'liaison' | 'liaisonOther' | 'coordinator' | 'admin' | 'keyAllScopes' | 'keyNoScopes' | 'keyRevoked' | 'badBearer';

interface World {
  schema: Schema;
  headers: Record<PrincipalName, Record<string, string>>;
  /** Ids of real rows, by what they are; mutations that could disable a principal get the victims' only. */
  ids: Record<string, string[]>;
  emails: string[];
}

const ALL_SCOPES = ['INCIDENTS_READ', 'REPORTS_READ', 'REPORTS_WRITE', 'RESOURCES_READ', 'RESOURCES_WRITE', 'LINKS_READ', 'LINKS_WRITE'];

// ------------------------------------------------------------------ value generators

/** Strings meant to break things: control characters, lone surrogates, RTL overrides, emoji, injections. */
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\u202egnirts desrever',
  '\u200f\u05e9\u05dc\u05d5\u05dd',
  'مرحبا',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'Z̸̡̛̛̖͎̰͉̲̫ͩ̔͑͒ͦa̷l̶g̵o',
  '\ufeff\ufffe\uffff',
  '\r\n\t\v\f\b',
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  '%s%s%s%n',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '\\',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  'Åsa Öberg-Ärlig',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '2026-02-30T25:61:00Z',
  '+46 8 465 004 00',
  'a@b',
  'x'.repeat(1000),
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));

const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 6, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, controlChar, fc.constantFrom('\u202e', '\u200b', '🔥', 'é', 'e\u0301')), maxLength: 30 }) },
  {
    // Long strings: past every field's length limit, near the body limit, and past it.
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'ö', '🚒', '\u0000', '\ud800', ' '), fc.constantFrom(300, 5_000, 20_000, 60_000, 99_000, 101_000, 150_000))
      .map(([c, n]) => c.repeat(Math.ceil(n / c.length))),
  },
);

const uuid = fc.uuid();
const junkId = fc.oneof(fc.constantFrom('1', '-1', '0', 'abc', '', 'null', '00000000-0000-0000-0000-00000000000G', 'ffffffff-ffff-ffff-ffff-ffffffffffff'), oddString);

function idArb(world: World, field: string, argName: string): fc.Arbitrary<string> {
  const victimsOnly = /^(updateUser|updateOrganisation|revokeApiKey)$/.test(field) && argName === 'id';
  const pool = victimsOnly ? world.ids.victims : world.ids.all;
  return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pool) }, { weight: 2, arbitrary: uuid }, { weight: 1, arbitrary: junkId });
}

const intArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 20 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 100, 101, 1_000_000, 1_000_001, 2 ** 31 - 1, -(2 ** 31)) },
  { weight: 1, arbitrary: fc.integer() },
);
const floatArb = fc.oneof(
  fc.double({ min: -90, max: 90, noNaN: true }),
  fc.constantFrom(0, -0, 180.0000001, -180, 1e308, -1e308, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const dateTimeArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -400, max: 400 }).map((days) => new Date(Date.now() + days * 86_400_000).toISOString()) },
  { weight: 1, arbitrary: fc.constantFrom('2026-01-01', '2026-13-01T00:00:00Z', 'yesterday', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '1970-01-01T00:00:00+25:00') },
  { weight: 1, arbitrary: oddString },
);

/** A value for an input type: valid for the type most of the time, sometimes not. */
function valueArb(world: World, t: TypeRef, field: string, argName: string, depth = 0): fc.Arbitrary<unknown> {
  if (t.kind === 'NON_NULL') return valueArb(world, t.ofType!, field, argName, depth);
  if (t.kind === 'LIST') return fc.array(valueArb(world, t.ofType!, field, argName, depth + 1), { maxLength: depth > 1 ? 1 : 4 });
  const type = world.schema.types.get(t.name!)!;
  switch (type.kind) {
    case 'ENUM':
      return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...type.enumValues!.map((v) => v.name)) }, { weight: 1, arbitrary: fc.constantFrom('NOPE', 'admin', '') });
    case 'INPUT_OBJECT': {
      if (depth > 3) return fc.constant({});
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const required: string[] = [];
      for (const f of type.inputFields!) {
        model[f.name] = valueArb(world, f.type, field, f.name, depth + 1);
        if (f.type.kind === 'NON_NULL') required.push(f.name);
      }
      return fc.record(model, { requiredKeys: required });
    }
    default:
      switch (type.name) {
        case 'ID':
          return idArb(world, field, argName);
        case 'Int':
          return intArb;
        case 'Float':
          return floatArb;
        case 'Boolean':
          return fc.boolean();
        case 'DateTime':
          return dateTimeArb;
        case 'String':
          if (/email/i.test(argName)) return fc.oneof(fc.constantFrom(...world.emails), fc.emailAddress(), oddString);
          if (/password/i.test(argName)) return fc.oneof(fc.constant(TEST_PASSWORD), fc.constant('Samverkan-demo-2026'), oddString);
          if (argName === 'after') return fc.oneof(fc.base64String({ maxLength: 40 }), oddString);
          return oddString;
        default:
          return oddString;
      }
  }
}

/** Anything at all, in place of a value of the right type. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  oddString,
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), { maxKeys: 3 }),
  fc.constant({ __proto__: { admin: true }, constructor: { prototype: { polluted: true } } }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
);

/** A JSON value nested `depth` times, for variables and literals. */
const deepValue = fc.tuple(fc.integer({ min: 50, max: 3000 }), fc.boolean()).map(([depth, asList]) => {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = asList ? [v] : { a: v };
  return v;
});

// ------------------------------------------------------------------ documents

/** A selection set for an output type, a few fields deep, with arguments where a field has some. */
function selectionArb(world: World, t: TypeRef, depth: number): fc.Arbitrary<string> {
  const type = world.schema.types.get(namedType(t).name!)!;
  if (type.kind !== 'OBJECT' && type.kind !== 'INTERFACE') return fc.constant('');
  const fields = type.fields!;
  const leaves = fields.filter((f) => {
    const k = world.schema.types.get(namedType(f.type).name!)!.kind;
    return (k === 'SCALAR' || k === 'ENUM') && !f.args.some((a) => a.type.kind === 'NON_NULL');
  });
  const objects = depth > 0 ? fields.filter((f) => !leaves.includes(f) && !f.args.some((a) => a.type.kind === 'NON_NULL')) : [];
  const leaf = fc.constantFrom(...(leaves.length ? leaves.map((f) => f.name) : ['__typename']));
  const nested: fc.Arbitrary<string>[] = objects.map((f) =>
    fc
      .tuple(selectionArb(world, f.type, depth - 1), f.args.length ? fc.option(argumentsInline(world, f), { nil: '' }) : fc.constant(''))
      .map(([sel, args]) => `${f.name}${args} ${sel}`),
  );
  const one = nested.length ? fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: fc.oneof(...nested) }) : leaf;
  return fc.uniqueArray(one, { minLength: 1, maxLength: 4 }).map((parts) => `{ ${parts.join(' ')} }`);
}

/** A GraphQL literal for a JSON value (strings as JSON strings: GraphQL's escapes are the same). */
function literal(v: unknown, enumLike = false): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return enumLike && /^[_A-Za-z][_0-9A-Za-z]*$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '0';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => literal(x, enumLike)).join(', ')}]`;
  return `{ ${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${/^[_A-Za-z][_0-9A-Za-z]*$/.test(k) ? k : 'bad_key'}: ${literal(x, true)}`)
    .join(', ')} }`;
}

function argumentsInline(world: World, f: Field): fc.Arbitrary<string> {
  const parts = f.args.map((a) =>
    valueArb(world, a.type, f.name, a.name).map((v) => {
      const isEnum = world.schema.types.get(namedType(a.type).name!)?.kind === 'ENUM';
      return `${a.name}: ${literal(v, isEnum)}`;
    }),
  );
  return fc.tuple(...parts).map((ps) => (ps.length ? `(${ps.join(', ')})` : ''));
}

interface Operation {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  mutation: boolean;
}

/** One root field of Query or Mutation, called with generated arguments through variables or inline. */
function fieldCallArb(world: World, f: Field, index: number): fc.Arbitrary<{ decls: string[]; call: string; variables: Record<string, unknown> }> {
  const args = f.args.map((a) =>
    fc.tuple(fc.boolean(), valueArb(world, a.type, f.name, a.name), fc.nat(9)).map(([viaVariable, value, omit]) => ({ a, viaVariable, value, omit: omit === 0 })),
  );
  return fc.tuple(fc.tuple(...args), selectionArb(world, f.type, 2)).map(([values, selection]) => {
    const decls: string[] = [];
    const variables: Record<string, unknown> = {};
    const parts: string[] = [];
    for (const { a, viaVariable, value, omit } of values) {
      if (omit && a.type.kind !== 'NON_NULL') continue;
      if (viaVariable) {
        const name = `${a.name}_${index}`;
        decls.push(`$${name}: ${typeString(a.type)}`);
        variables[name] = value;
        parts.push(`${a.name}: $${name}`);
      } else {
        parts.push(`${a.name}: ${literal(value, world.schema.types.get(namedType(a.type).name!)?.kind === 'ENUM')}`);
      }
    }
    const call = `f${index}: ${f.name}${parts.length ? `(${parts.join(', ')})` : ''} ${selection}`;
    return { decls, call, variables };
  });
}

/** Does calling the field hash a password (argon2id, deliberately slow)? */
function takesPassword(world: World, args: InputValue[], depth = 0): boolean {
  return args.some((a) => {
    if (/password/i.test(a.name)) return true;
    const type = world.schema.types.get(namedType(a.type).name!)!;
    return depth < 2 && type.kind === 'INPUT_OBJECT' && takesPassword(world, type.inputFields!, depth + 1);
  });
}

/** Any field of the root type; the ones that hash a password less often, to keep the run fast. */
function operationPick(world: World, fields: Field[]): fc.Arbitrary<Field> {
  const cheap = fields.filter((f) => !takesPassword(world, f.args));
  const costly = fields.filter((f) => takesPassword(world, f.args));
  if (!costly.length) return fc.constantFrom(...cheap);
  return fc.oneof({ weight: cheap.length * 4, arbitrary: fc.constantFrom(...cheap) }, { weight: costly.length, arbitrary: fc.constantFrom(...costly) });
}

/** A well-formed document calling 1–3 random operations of one root type. */
function validOperationArb(world: World): fc.Arbitrary<Operation> {
  const root = fc.oneof(
    { weight: 1, arbitrary: fc.constant({ mutation: false, fields: world.schema.queries }) },
    { weight: 1, arbitrary: fc.constant({ mutation: true, fields: world.schema.mutations }) },
  );
  return root.chain(({ mutation, fields }) =>
    fc
      .array(operationPick(world, fields), { minLength: 1, maxLength: mutation ? 1 : 3 })
      .chain((chosen) => fc.tuple(...chosen.map((f, i) => fieldCallArb(world, f, i))))
      .map((calls) => {
        const decls = calls.flatMap((c) => c.decls);
        const query = `${mutation ? 'mutation' : 'query'} Fuzz${decls.length ? `(${decls.join(', ')})` : ''} { ${calls.map((c) => c.call).join(' ')} }`;
        return { query, variables: Object.assign({}, ...calls.map((c) => c.variables)), operationName: 'Fuzz', mutation };
      }),
  );
}

/** A valid operation made wrong in one way: a value of the wrong type, a null, a missing variable, an unknown field or argument... */
function corruptedOperationArb(world: World): fc.Arbitrary<Operation> {
  return fc.tuple(validOperationArb(world), fc.nat(9), wrongValue, fc.nat(), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 })).map(([op, how, wrong, n, word]) => {
    const names = Object.keys(op.variables);
    const pick = names.length ? names[n % names.length] : undefined;
    const ident = `x${word.replace(/[^_0-9A-Za-z]/g, '')}`;
    const variables = { ...op.variables };
    let query = op.query;
    switch (how) {
      case 0:
        if (pick) variables[pick] = wrong;
        break;
      case 1:
        if (pick) variables[pick] = null;
        break;
      case 2:
        if (pick) delete variables[pick];
        break;
      case 3: {
        // An unknown property inside an input object.
        const obj = pick && variables[pick] && typeof variables[pick] === 'object' && !Array.isArray(variables[pick]) ? (variables[pick] as Record<string, unknown>) : undefined;
        if (obj) variables[pick!] = { ...obj, [ident]: wrong };
        else variables[ident] = wrong;
        break;
      }
      case 4:
        query = query.replace(/\{ /, `{ ${ident} `);
        break;
      case 5:
        query = query.replace(/(f0: \w+)(\(|\s)/, (_m, head: string, next: string) => (next === '(' ? `${head}(${ident}: 1, ` : `${head}(${ident}: 1) `));
        break;
      case 6:
        // The variable declared with another type than the argument's.
        query = query.replace(/: (ID|String|Int|Boolean|DateTime|Float)(!?)/, (_m, _t, bang: string) => `: ${['Int', 'String', 'Boolean', 'Float', 'ID'][n % 5]}${bang}`);
        break;
      case 7:
        return { ...op, variables: wrong as Record<string, unknown> };
      case 8:
        return { ...op, operationName: ident };
      default:
        if (pick) variables[pick] = structuredCloneSafe(wrong);
    }
    return { ...op, query, variables };
  });
}

function structuredCloneSafe(v: unknown): unknown {
  return v === undefined ? null : JSON.parse(JSON.stringify(v));
}

/** Documents that do not parse, or parse into something the limits refuse. */
function hostileDocumentArb(world: World): fc.Arbitrary<string> {
  const queryName = fc.constantFrom(...world.schema.queries.map((f) => f.name));
  return fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom('', ' ', '{', '}', '{ me { id }', 'query {', 'mutation', 'subscription { incidentChanged { id } }', '{ me { id } } { me { id } }', '#', '"', '"""', '{ __typename @skip }', 'fragment F on Query { ...F } { ...F }', 'query ($a: Int = "x") { me { id } }', '{ me { id ...on Nope { id } } }', '{ __schema { types { name } } }', '{ __type(name: "Query") { fields { name } } }'),
    // Deep selections (depth limit), deep lists in literals, deep parentheses.
    fc.tuple(fc.integer({ min: 10, max: 2000 }), queryName).map(([d, q]) => `{ ${q} ${'{ a '.repeat(d)}${'}'.repeat(d)} }`),
    fc.integer({ min: 10, max: 20_000 }).map((d) => `{ organisations(search: ${'['.repeat(d)}"x"${']'.repeat(d)}) { totalCount } }`),
    fc.integer({ min: 13, max: 60 }).map((d) => `{ organisations { nodes ${'{ holdings { organisation '.repeat(d)}{ id }${' }'.repeat(d * 2)} } }`),
    fc.integer({ min: 10, max: 50_000 }).map((d) => `{ ${'('.repeat(d)} }`),
    // Many aliases, tokens, directives; introspection nested deep.
    fc.integer({ min: 10, max: 3000 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`),
    fc.integer({ min: 10, max: 500 }).map((n) => `{ me @include(if: true) ${'@skip(if: false) '.repeat(n)}{ id } }`),
    fc.integer({ min: 3, max: 40 }).map((d) => `{ __schema { types { ${'fields { type { ofType { '.repeat(d)}name${' } } }'.repeat(d)} } } }`),
    fc.integer({ min: 1, max: 30 }).map((n) => Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${(i + 1) % n} }`).join(' ') + ' { ...F0 }'),
    // A valid operation cut short, or with a character put in.
    fc.tuple(validOperationArb(world), fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([op, n, s]) => {
      const at = n % (op.query.length + 1);
      return n % 2 ? op.query.slice(0, at) : op.query.slice(0, at) + s + op.query.slice(at);
    }),
  );
}

// ------------------------------------------------------------------ requests

interface FuzzRequest {
  kind: string;
  principal: PrincipalName;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Header values that fetch can send: Latin-1 without line breaks. */
const headerValue = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
  fc.constantFrom('Bearer ', 'Bearer null', 'Bearer a.b.c', 'Basic YWRtaW46YWRtaW4=', 'bearer x', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', 'shk_', 'shk_AAAA'),
  fc.integer({ min: 1000, max: 7000 }).map((n) => 'A'.repeat(n)),
).map((s) => s.replace(/[\r\n\0]/g, ''));

function requestArb(world: World): fc.Arbitrary<FuzzRequest> {
  const principal = fc.constantFrom<PrincipalName>('anonymous', 'viewer', 'liaison', 'liaisonOther', 'coordinator', 'admin', 'keyAllScopes', 'keyNoScopes', 'keyRevoked', 'badBearer');
  const extraHeaders = fc.record(
    {
      'idempotency-key': headerValue,
      'x-request-id': headerValue,
      authorization: headerValue,
      'x-api-key': headerValue,
      'apollo-require-preflight': fc.constant('true'),
    },
    { requiredKeys: [] },
  );
  const json = (o: unknown) => JSON.stringify(o);
  const body: fc.Arbitrary<{ kind: string; body: string; method?: 'GET'; path?: string; contentType?: string }> = fc.oneof(
    { weight: 10, arbitrary: validOperationArb(world).map((op) => ({ kind: 'operation', body: json(op) })) },
    { weight: 6, arbitrary: corruptedOperationArb(world).map((op) => ({ kind: 'corrupted', body: json(op) })) },
    { weight: 3, arbitrary: hostileDocumentArb(world).map((query) => ({ kind: 'hostile-document', body: json({ query }) })) },
    {
      weight: 1,
      arbitrary: fc.tuple(validOperationArb(world), deepValue).map(([op, deep]) => {
        const names = Object.keys(op.variables);
        return { kind: 'deep-variables', body: json({ ...op, variables: names.length ? { ...op.variables, [names[0]]: deep } : { deep } }) };
      }),
    },
    {
      // Bodies that are not what GraphQL over HTTP expects.
      weight: 2,
      arbitrary: fc.oneof(
        fc.string({ maxLength: 100 }).map((s) => ({ kind: 'raw-body', body: s })),
        fc.constantFrom('', 'null', '[]', '{}', '"query"', '1', 'true', '{"query": 1}', '{"query": null}', '{"query": ["{ me { id } }"]}', '{"query": "{ me { id } }", "variables": "x"}', '{"query": "{ me { id } }", "variables": [1]}', '{"query": "{ me { id } }", "operationName": 5}', '{"query": "{ me { id } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}', '[{"query": "{ me { id } }"}, {"query": "{ me { id } }"}]', '{"query": "{ me { id } }"', '{"query": "\\ud800"}', '{"query": "{ organisations(search: \\"\\u0000\\") { totalCount } }"}').map((s) => ({ kind: 'odd-json', body: s })),
        wrongValue.map((v) => ({ kind: 'odd-json', body: json({ query: '{ me { id } }', variables: v }) })),
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/graphql', '').map((contentType) => ({
          kind: 'content-type',
          body: json({ query: 'mutation { logout(refreshToken: "x") }' }),
          contentType,
        })),
        fc.tuple(fc.constantFrom(...world.schema.queries.map((f) => f.name)), fc.boolean()).map(([q, mutation]) => ({
          kind: 'get',
          body: '',
          method: 'GET' as const,
          path: `/graphql?query=${encodeURIComponent(mutation ? 'mutation { logout(refreshToken: "x") }' : `{ ${q} { __typename } }`)}`,
        })),
        fc.constantFrom(BODY_LIMIT - 200, BODY_LIMIT + 10, 3 * BODY_LIMIT).map((n) => ({
          kind: 'body-size',
          body: json({ query: 'query ($s: String) { organisations(search: $s) { totalCount } }', variables: { s: 'x'.repeat(n) } }),
        })),
      ),
    },
  );
  return fc.tuple(principal, body, fc.option(extraHeaders, { freq: 5, nil: undefined })).map(([p, b, extra]) => {
    const headers: Record<string, string> = { ...world.headers[p] };
    if (b.contentType === undefined) headers['content-type'] = 'application/json';
    else if (b.contentType) headers['content-type'] = b.contentType;
    if (extra) Object.assign(headers, extra);
    return { kind: b.kind, principal: p, method: b.method ?? 'POST', path: b.path ?? '/graphql', headers, body: b.method === 'GET' ? undefined : b.body };
  });
}

// ------------------------------------------------------------------ checking responses

interface Finding {
  request: FuzzRequest;
  problem: string;
  response: string;
}

function clip(s: string | undefined, n = 600): string {
  if (s === undefined) return '';
  return s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;
}

/** node:http with keep-alive rather than fetch: the client shares the event loop with the hub, and costs it less this way. */
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function httpRequest(url: string, r: FuzzRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const headers = body ? { ...r.headers, 'content-length': String(body.length) } : r.headers;
    const req = http.request(`${url}${r.path}`, { method: r.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function send(hub: TestApp, r: FuzzRequest): Promise<Finding[]> {
  let res: { status: number; text: string };
  try {
    res = await httpRequest(hub.url, r);
  } catch (e) {
    return [{ request: r, problem: `request failed: ${String((e as Error).message ?? e)}`, response: '' }];
  }
  const text = res.text;
  // Node's HTTP parser refuses headers over 16 kB itself, before the hub sees the request.
  if (res.status === 431) return [];
  const findings: Finding[] = [];
  const found = (problem: string) => findings.push({ request: r, problem, response: clip(text) });
  if (res.status >= 500) found(`HTTP ${res.status}`);
  let body: { data?: unknown; errors?: { message?: string; extensions?: { code?: unknown; validationErrors?: unknown } }[] };
  try {
    body = JSON.parse(text);
  } catch {
    found(`HTTP ${res.status} with a body that is not JSON`);
    return findings;
  }
  if (!body || typeof body !== 'object') {
    found('a response that is not a GraphQL result');
    return findings;
  }
  if (!body.errors && body.data === undefined) found('neither data nor errors');
  for (const e of body.errors ?? []) {
    const code = e.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR') found(`INTERNAL_SERVER_ERROR: ${e.message}`);
    else if (typeof code !== 'string' || !ACCEPTED_CODES.has(code)) found(`an error without a contract code (${String(code)}): ${e.message}`);
    else if (code === 'BAD_USER_INPUT' && !Array.isArray(e.extensions?.validationErrors)) found(`BAD_USER_INPUT without validationErrors: ${e.message}`);
  }
  return findings;
}

function describeFinding(f: Finding): string {
  const { request: r } = f;
  return [
    `${f.problem}  [${r.kind} as ${r.principal}]`,
    `  ${r.method} ${clip(r.path, 300)}`,
    `  headers: ${clip(JSON.stringify(Object.fromEntries(Object.entries(r.headers).filter(([k]) => !['authorization', 'x-api-key'].includes(k) || r.principal === 'badBearer'))), 300)}`,
    `  body: ${clip(r.body, 1500)}`,
    `  response: ${f.response}`,
  ].join('\n');
}

// ------------------------------------------------------------------ the run

let hub: TestApp;
let world: World;
const processFaults: string[] = [];
const onRejection = (reason: unknown) => processFaults.push(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`);
const onException = (error: Error) => processFaults.push(`uncaughtException: ${String(error?.stack ?? error)}`);
const loggedErrors: string[] = [];

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  // Whatever the hub logs at error level (the unexpected-error plugin, Nest's exception handlers):
  // the fuzzer must never make it log one. The logs themselves stay silent.
  const record = (...args: unknown[]) => {
    loggedErrors.push(clip(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '), 2000));
  };
  jest.spyOn(Logger.prototype, 'error').mockImplementation(record);
  jest.spyOn(Logger.prototype, 'fatal').mockImplementation(record);
  jest.spyOn(Logger, 'error').mockImplementation(record);
  // Apollo's own logger ("Unexpected error processing request") writes to the console.
  jest.spyOn(console, 'error').mockImplementation(record);

  hub = await startTestApp({
    RATE_LIMIT_PER_MINUTE: '1000000',
    // Fuzzed logins from 127.0.0.1 must not lock that address out for the other test files.
    LOGIN_MAX_ADDRESS_FAILURES: '100000',
    LOGIN_MAX_ACCOUNT_FAILURES: '1000',
    LOGIN_LOCK_SECONDS: '1',
  });
  const db = hub.db;
  const own = await createOrganisation(db);
  const other = await createOrganisation(db);
  const third = await createOrganisation(db);
  const regional = await createOrganisation(db, { kind: 'COUNTY_ADMINISTRATIVE_BOARD' });
  const hubOrg = await createOrganisation(db, { kind: 'OTHER' });
  const victimOrg = await createOrganisation(db);
  const [viewer, liaison, liaisonOther, coordinator, admin] = await Promise.all([
    userSession(hub, 'VIEWER', own.id),
    userSession(hub, 'LIAISON_OFFICER', own.id),
    userSession(hub, 'LIAISON_OFFICER', other.id),
    userSession(hub, 'COORDINATOR', regional.id),
    userSession(hub, 'ADMIN', hubOrg.id),
  ]);
  const victimUser = await createUser(db, victimOrg.id, 'LIAISON_OFFICER');
  const victimUser2 = await createUser(db, own.id, 'VIEWER');
  const keyAll = await createApiKey(db, own.id, ALL_SCOPES);
  const keyNone = await createApiKey(db, own.id, []);
  const keyRevoked = await createApiKey(db, own.id, ALL_SCOPES, { revoked: true });
  const victimKey = await createApiKey(db, other.id, ['REPORTS_READ']);

  // Rows in every state the operations act on: incidents (active, closed), reports (open and
  // restricted), a resource type with holdings, a request with an offered loan, links.
  const incident = await insertIncident(db, [own.id, other.id, third.id]);
  const closed = await insertIncident(db, [own.id, other.id], { status: 'CLOSED' });
  const foreign = await insertIncident(db, [third.id]);
  const report = await submitReport(hub, liaison.headers, incident.id);
  const restricted = await submitReport(hub, liaisonOther.headers, incident.id, { visibility: 'RESTRICTED', recipientOrganisationIds: [third.id] });
  const type = await insertResourceType(db);
  const ownHolding = await insertHolding(db, own.id, type, 50);
  const otherHolding = await insertHolding(db, other.id, type, 50, { lat: 59.3, lng: 18.1 });
  const request = await createRequest(hub, liaison.headers, { incidentId: incident.id, resourceTypeId: type, quantity: 20 });
  const request2 = await createRequest(hub, liaisonOther.headers, { incidentId: incident.id, resourceTypeId: type, quantity: 5 });
  const loan = await offer(hub, liaisonOther.headers, request, otherHolding, 5);
  const loan2 = await offer(hub, liaison.headers, request2, ownHolding, 3);
  const link = await insertLink(db, incident.id, own.id, [other.id]);
  const link2 = await insertLink(db, incident.id, other.id, [own.id, third.id], { status: 'ACTIVE' });
  const [audit] = await db.query(`SELECT id FROM audit_events ORDER BY sequence DESC LIMIT 1`);

  const introspection = await hub.gql<any>(getIntrospectionQuery(), undefined, admin.headers);
  const raw = introspection.body.data!.__schema;
  const types = new Map<string, FullType>(raw.types.map((t: FullType) => [t.name, t]));
  const schema: Schema = {
    types,
    queries: types.get(raw.queryType.name)!.fields!,
    mutations: types.get(raw.mutationType.name)!.fields!,
  };
  const victims = [victimOrg.id, victimUser.id, victimUser2.id, victimKey.id];
  world = {
    schema,
    headers: {
      anonymous: {},
      viewer: viewer.headers,
      liaison: liaison.headers,
      liaisonOther: liaisonOther.headers,
      coordinator: coordinator.headers,
      admin: admin.headers,
      keyAllScopes: keyAll.headers,
      keyNoScopes: keyNone.headers,
      keyRevoked: keyRevoked.headers,
      badBearer: { authorization: 'Bearer not-a-token' },
    },
    ids: {
      victims,
      all: [
        ...victims,
        own.id,
        other.id,
        third.id,
        regional.id,
        incident.id,
        closed.id,
        foreign.id,
        report.id,
        restricted.id,
        type,
        ownHolding,
        otherHolding,
        request,
        request2,
        loan,
        loan2,
        link,
        link2,
        audit.id,
      ],
    },
    emails: [victimUser.email, victimUser2.email, 'nobody@test.example'],
  };
}, 120_000);

afterAll(async () => {
  agent.destroy();
  await hub?.close();
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
  jest.restoreAllMocks();
});

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (x instanceof Error ? { name: x.name, message: x.message, stack: x.stack } : x));
  } catch {
    return String(v);
  }
}

describe(`fuzzing the GraphQL API (seed ${SEED}; replay with FUZZ_SEED=${SEED})`, () => {
  it(`survives ${RUNS} generated requests with contract errors only, and keeps invariants 1–5`, async () => {
    const started = Date.now();
    const arb = requestArb(world);
    const findings: Finding[] = [];
    const kinds = new Map<string, { n: number; ms: number }>();
    const slowest: { ms: number; what: string }[] = [];
    let generating = 0;
    let sent = 0;
    for (let chunk = 0; sent < RUNS; chunk++) {
      const g0 = Date.now();
      const requests = fc.sample(arb, { seed: SEED + chunk, numRuns: Math.min(CHUNK, RUNS - sent) });
      generating += Date.now() - g0;
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const r = requests[next++];
          const t0 = Date.now();
          findings.push(...(await send(hub, r)));
          const ms = Date.now() - t0;
          const k = kinds.get(r.kind) ?? { n: 0, ms: 0 };
          kinds.set(r.kind, { n: k.n + 1, ms: k.ms + ms });
          slowest.push({ ms, what: `${r.kind} ${clip(r.body ?? r.path, 200)}` });
          if (slowest.length > 40) slowest.sort((a, b) => b.ms - a.ms).splice(20);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      sent += requests.length;
      if (findings.length > 50) break;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    // Still alive, and the data still adds up.
    const live = await hub.get('/health/live');
    const ready = await hub.get('/health/ready');
    const violations = await verifyInvariants(hub.db);

    const report = [
      `fuzz seed ${SEED}: ${sent} requests in ${seconds} s, ${(generating / 1000).toFixed(1)} s of it generating (${[...kinds].map(([k, { n, ms }]) => `${k} ${n} in ${(ms / 1000).toFixed(0)} s`).join(', ')})`,
      ...(process.env.FUZZ_VERBOSE ? slowest.sort((a, b) => b.ms - a.ms).slice(0, 15).map((x) => `slow: ${x.ms} ms ${x.what}`) : []),
      ...findings.slice(0, 20).map(describeFinding),
      ...(findings.length > 20 ? [`… and ${findings.length - 20} more findings`] : []),
      ...processFaults.map((f) => clip(f, 3000)),
      ...loggedErrors.slice(0, 10).map((l) => `logged as an error: ${l}`),
      ...violations.map((v) => `invariant ${v.invariant} broken: ${v.entity}: ${v.message}`),
      ...(live.status === 200 && ready.status === 200 ? [] : [`health after the run: live ${live.status}, ready ${ready.status}`]),
    ].join('\n\n');
    if (findings.length || processFaults.length || loggedErrors.length || violations.length || live.status !== 200 || ready.status !== 200) {
      throw new Error(`Fuzzing found problems; replay with FUZZ_SEED=${SEED}\n\n${report}`);
    }
    console.log(process.env.FUZZ_VERBOSE ? report : report.split('\n')[0]);
    expect(sent).toBeGreaterThanOrEqual(RUNS);
  }, 240_000);
});
