import { describe, expect, it } from '@jest/globals';
import { graphql, GraphQLInt, GraphQLList, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { answerPresetFields, presetFields } from './preset-fields.js';

function schemaCounting(calls: string[]) {
  const Report = new GraphQLObjectType({
    name: 'Report',
    fields: {
      id: { type: GraphQLString },
      author: { type: GraphQLString, resolve: (r: { id: string }) => (calls.push(`author:${r.id}`), `resolved-${r.id}`) },
      page: { type: GraphQLString, args: { first: { type: GraphQLInt } }, resolve: (_r, a: { first: number }) => (calls.push('page'), `page-${a.first}`) },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        reports: {
          type: new GraphQLList(Report),
          resolve: () => [presetFields({ id: 'a' }, { author: 'preset-a', page: 'never' }), { id: 'b' }, presetFields({ id: 'c' }, { author: null })],
        },
      },
    }),
  });
}

describe('answerPresetFields', () => {
  it('answers a preset field from the object, and every other field through its resolver', async () => {
    const calls: string[] = [];
    const schema = answerPresetFields(schemaCounting(calls));
    const result = await graphql({ schema, source: '{ reports { id author page(first: 2) } }' });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      reports: [
        { id: 'a', author: 'preset-a', page: 'page-2' },
        { id: 'b', author: 'resolved-b', page: 'page-2' },
        { id: 'c', author: null, page: 'page-2' },
      ],
    });
    // Only b's author went through the resolver; fields with arguments always do.
    expect([...calls].sort()).toEqual(['author:b', 'page', 'page', 'page']);
  });
});
