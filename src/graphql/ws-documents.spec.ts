import { describe, expect, it } from '@jest/globals';
import { buildSchema, GraphQLError, type ValidationRule } from 'graphql';
import { WsDocuments } from './ws-documents.js';

const schema = buildSchema(`type Query { a: Int } type Subscription { changed: Thing } type Thing { id: ID name: String }`);

describe('WsDocuments', () => {
  it('parses a text once and validates a document once, with the extra rules', () => {
    let ruleRuns = 0;
    const counting: ValidationRule = () => {
      ruleRuns++;
      return {};
    };
    const docs = new WsDocuments({ maxTokens: 100, rules: [counting], hideSuggestions: false });
    const first = docs.parse('subscription { changed { id } }');
    expect(docs.parse('subscription { changed { id } }')).toBe(first);
    expect(docs.validate(schema, first)).toEqual([]);
    expect(docs.validate(schema, first)).toEqual([]);
    expect(ruleRuns).toBe(1);
  });

  it('codes parse and validation errors, answers a parse error on the subscription, and hides suggestions when asked', () => {
    const docs = new WsDocuments({ maxTokens: 10, rules: [], hideSuggestions: true });
    expect(() => docs.parse('subscription { changed { id }')).toThrow(GraphQLError);
    expect(docs.onSubscribe(null, '1', { query: 'subscription { changed { id }' })![0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    expect(docs.onSubscribe(null, '1', { query: `subscription { changed { ${'id '.repeat(20)} } }` })![0].message).toMatch(/more th\w+ 10 tokens/);
    expect(docs.onSubscribe(null, '1', { query: 'subscription { changed { id } }' })).toBeUndefined();
    const [error] = docs.validate(schema, docs.parse('subscription { changed { nam } }'));
    expect(error.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(error.message).toBe('Cannot query field "nam" on type "Thing". [Suggestion hidden]');
  });

  it('keeps the most recently used texts only', () => {
    const docs = new WsDocuments({ maxTokens: 100, rules: [], hideSuggestions: false, capacity: 2 });
    const a = docs.parse('{ a }');
    const b = docs.parse('{ b: a }');
    expect(docs.parse('{ a }')).toBe(a); // used again: now the newest
    docs.parse('{ c: a }'); // the third text evicts the least recently used, '{ b: a }'
    expect(docs.parse('{ a }')).toBe(a);
    expect(docs.parse('{ b: a }')).not.toBe(b); // parsed anew
  });

  it('does not keep long texts', () => {
    const docs = new WsDocuments({ maxTokens: 5000, rules: [], hideSuggestions: false });
    const long = `{ ${'a '.repeat(4500)}}`; // 9 KB, 4,502 tokens
    expect(docs.parse(long)).not.toBe(docs.parse(long));
  });
});
