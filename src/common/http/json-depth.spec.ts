import { describe, expect, it } from '@jest/globals';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

function nested(depth: number, asList = false): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = asList ? [v] : { a: v };
  return v;
}

describe('jsonDepth', () => {
  it('counts objects and lists, not scalars', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ query: '{ me { id } }', variables: { input: { location: { latitude: 1 } } } })).toBe(4);
    expect(jsonDepth([[1], [[2]]])).toBe(3);
  });

  it('walks bodies far deeper than the call stack allows without overflowing, and stops past the limit', () => {
    expect(jsonDepth(nested(200_000))).toBe(200_000);
    expect(jsonDepth(nested(200_000, true), MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH + 1);
  });
});
