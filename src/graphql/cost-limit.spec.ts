import { describe, expect, it } from '@jest/globals';
import { buildSchema, Kind, parse, specifiedRules, validate, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { costLimitRule, operationCost } from './cost-limit.js';

const schema = buildSchema(`
  type Query { orgs(first: Int = 20, after: String): OrgConnection! org(id: ID): Org matches(first: Int = 4): [Org!]! plain: [Org!]! }
  type OrgConnection { totalCount: Int! nodes: [Org!]! edges: [OrgEdge!]! }
  type OrgEdge { cursor: String! node: Org! }
  type Org { id: ID! name: String! tags: [String!]! holdings: [Holding!]! }
  type Holding { id: ID! org: Org! }
`);
const opts = { listSize: 5, maxPageSize: 100 };

function cost(text: string): number {
  const doc = parse(text);
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return operationCost(schema, op, (n) => fragments.get(n), opts);
}

describe('operationCost', () => {
  it('counts objects 2 and scalars 1, once each outside lists; a scalar list is one value', () => {
    expect(cost(`{ org { id name tags } }`)).toBe(2 + 3);
    expect(cost(`{ __typename }`)).toBe(1);
  });

  it("multiplies a connection's nodes and edges by its page: literal, variable, variable default, schema default", () => {
    expect(cost(`{ orgs(first: 10) { totalCount nodes { id } } }`)).toBe(2 + 1 + 10 * (2 + 1));
    expect(cost(`{ orgs(first: 10) { edges { cursor node { id } } } }`)).toBe(2 + 10 * (2 + 1 + (2 + 1)));
    expect(cost(`query ($n: Int) { orgs(first: $n) { nodes { id } } }`)).toBe(2 + 100 * 3);
    expect(cost(`query ($n: Int = 7) { orgs(first: $n) { nodes { id } } }`)).toBe(2 + 7 * 3);
    expect(cost(`{ orgs { nodes { id } } }`)).toBe(2 + 20 * 3);
    expect(cost(`{ matches { id } }`)).toBe(4 * 3);
  });

  it('assumes listSize for a list without a page, and multiplies nested lists', () => {
    expect(cost(`{ plain { id } }`)).toBe(5 * 3);
    expect(cost(`{ plain { holdings { org { holdings { id } } } } }`)).toBe(5 * (2 + 5 * (2 + (2 + 5 * 3))));
    expect(cost(`{ orgs(first: 100) { nodes { holdings { id } } } }`)).toBe(2 + 100 * (2 + 5 * 3));
  });

  it('counts fragments where they are spread, inline ones too; introspection is free', () => {
    const direct = cost(`{ orgs(first: 3) { nodes { holdings { org { id } } } } }`);
    expect(cost(`{ orgs(first: 3) { nodes { ...F } } } fragment F on Org { holdings { org { id } } }`)).toBe(direct);
    expect(cost(`{ orgs(first: 3) { ... on OrgConnection { nodes { ... on Org { holdings { org { id } } } } } } }`)).toBe(direct);
    expect(cost(`{ a: org { ...G } b: org { ...G } } fragment G on Org { holdings { id } }`)).toBe(2 * (2 + 5 * 3));
    expect(cost(`{ __schema { types { name fields { name } } } }`)).toBe(0);
  });
});

describe('costLimitRule', () => {
  const rule = costLimitRule({ ...opts, maxCost: 100 });
  const errorsOf = (text: string) => validate(schema, parse(text), [...specifiedRules, rule]).map((e) => e.message);

  it('refuses an operation above the limit, with the limit and the cost', () => {
    expect(errorsOf(`{ orgs(first: 32) { nodes { id } } __typename __typename }`)).toEqual([]); // 2 + 32 × 3 + 2
    expect(errorsOf(`{ orgs(first: 32) { nodes { id } } __typename __typename __typename }`)).toEqual(['Query Cost limit of 100 exceeded, found 101.']);
  });

  it('does not cost an operation that another rule refuses', () => {
    expect(errorsOf(`{ orgs(first: 100) { nodes { nope } } }`)).toEqual([expect.stringMatching(/Cannot query field "nope"/)]);
  });
});
