import { describe, expect, it } from '@jest/globals';
import { BadUserInputError } from '../errors/domain-errors.js';
import { decodeCursor, encodeCursor, toConnection } from './connection.js';

describe('cursors and connections', () => {
  it('round-trips keyset values through an opaque cursor', () => {
    const cursor = encodeCursor(['2026-11-26T06:00:00.000Z', 'b7c1']);
    expect(cursor).not.toContain('b7c1');
    expect(decodeCursor(cursor, 2)).toEqual(['2026-11-26T06:00:00.000Z', 'b7c1']);
  });

  it('refuses cursors it did not make', () => {
    for (const bad of ['nope', encodeCursor(['only-one']), Buffer.from('{"a":1}').toString('base64url')]) {
      expect(() => decodeCursor(bad, 2)).toThrow(BadUserInputError);
    }
  });

  it('checks each keyset value against the shape the query sorts by', () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect(decodeCursor(encodeCursor(['2026-11-26 06:00:00.123456+00', id]), ['timestamp', 'uuid'])).toEqual(['2026-11-26 06:00:00.123456+00', id]);
    expect(decodeCursor(encodeCursor(['2026-11-26T06:00:00.123456Z', id]), ['timestamp', 'uuid'])).toHaveLength(2);
    expect(decodeCursor(encodeCursor([42]), ['int'])).toEqual([42]);
    for (const [values, shape] of [
      [['yesterday', id], ['timestamp', 'uuid']],
      [['2026-02-30 06:00:00+00', id], ['timestamp', 'uuid']],
      [['2026-11-26 06:00:00+00', 'x'], ['timestamp', 'uuid']],
      [['a\u0000b', id], ['text', 'uuid']],
      [['NaN'], ['int']],
      [[-1], ['int']],
    ] as const) {
      expect(() => decodeCursor(encodeCursor([...values]), [...shape])).toThrow(BadUserInputError);
    }
  });

  it('uses the extra row only to tell that a next page exists', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = toConnection(rows, 2, 3, (r) => [r.id], (r) => r.id);
    expect(page.nodes).toEqual(['a', 'b']);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor(['b']) });
    const last = toConnection(rows.slice(2), 2, 3, (r) => [r.id], (r) => r.id);
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(toConnection([], 2, 0, (r: { id: string }) => [r.id], (r) => r).pageInfo.endCursor).toBeNull();
  });
});
