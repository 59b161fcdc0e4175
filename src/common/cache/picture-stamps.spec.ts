import { describe, expect, it } from '@jest/globals';
import { StampedCache } from './picture-stamps.js';

const at = (incident: string | null, directory: string | null = '1') => ({ incident, directory });
const rows = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ id: `${tag}-${i}`, ids: [i] }));

describe('StampedCache', () => {
  it('answers only for the stamps the rows were kept under', () => {
    const cache = new StampedCache<{ id: string; ids: number[] }>(100);
    cache.set('a', at('10'), rows(2, 'a'));
    expect(cache.get('a', at('10'))?.map((r) => r.id)).toEqual(['a-0', 'a-1']);
    expect(cache.get('a', at('11'))).toBeUndefined();
    expect(cache.get('a', at('10', '2'))).toBeUndefined();
    expect(cache.get('a', at(null))).toBeUndefined();
    expect(cache.stampsOf('a')).toEqual(at('10'));
    // A null stamp (no change recorded yet) is a stamp like any other.
    cache.set('b', at(null, null), rows(1, 'b'));
    expect(cache.get('b', at(null, null))).toHaveLength(1);
  });

  it('keeps rows frozen, arrays in them too, so that no request can change what another reads', () => {
    const cache = new StampedCache<{ id: string; ids: number[] }>(100);
    const [kept] = cache.set('a', at('1'), rows(1, 'a'));
    expect(Object.isFrozen(kept)).toBe(true);
    expect(Object.isFrozen(kept.ids)).toBe(true);
    expect(() => kept.ids.push(2)).toThrow(TypeError);
  });

  it('is bounded by rows: the least recently used entries go first', () => {
    const cache = new StampedCache<{ id: string; ids: number[] }>(10);
    cache.set('a', at('1'), rows(4, 'a'));
    cache.set('b', at('1'), rows(4, 'b'));
    expect(cache.get('a', at('1'))).toHaveLength(4); // a is now the most recently used
    cache.set('c', at('1'), rows(4, 'c'));
    expect(cache.get('b', at('1'))).toBeUndefined();
    expect(cache.get('a', at('1'))).toHaveLength(4);
    expect(cache.get('c', at('1'))).toHaveLength(4);
    // An empty list counts as one row, so that many of them are bounded too.
    for (let i = 0; i < 20; i++) cache.set(`empty-${i}`, at('1'), []);
    expect(cache.get('a', at('1'))).toBeUndefined();
    expect(cache.get('empty-19', at('1'))).toEqual([]);
  });

  it('keeps nothing with 0 rows (PICTURE_CACHE_ROWS=0 turns the caches off)', () => {
    const cache = new StampedCache<{ id: string; ids: number[] }>(0);
    const given = rows(2, 'a');
    expect(cache.set('a', at('1'), given)).toBe(given);
    expect(cache.stampsOf('a')).toBeUndefined();
    expect(cache.get('a', at('1'))).toBeUndefined();
  });
});
