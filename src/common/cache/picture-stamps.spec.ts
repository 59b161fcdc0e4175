import { describe, expect, it } from '@jest/globals';
import DataLoader from 'dataloader';
import { DirectoryCache, StampedCache } from './picture-stamps.js';

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

describe('DirectoryCache', () => {
  /** A loader over a "table" that counts its reads, as a request's rowLoader. */
  function table(rows: Map<string, { id: string; name: string }>) {
    const reads: string[][] = [];
    const loader = () =>
      new DataLoader<string, { id: string; name: string } | null>(async (ids) => {
        reads.push([...ids]);
        return ids.map((id) => (rows.has(id) ? { ...rows.get(id)! } : null));
      });
    return { reads, loader };
  }

  it('answers a record again only under the directory stamp it was read under, and primes the request loader', async () => {
    const rows = new Map([['a', { id: 'a', name: 'A' }], ['b', { id: 'b', name: 'B' }]]);
    const { reads, loader } = table(rows);
    const cache = new DirectoryCache<{ id: string; name: string }>(100);
    expect([...(await cache.load(loader(), ['a', 'b', 'x'], '1')).keys()]).toEqual(['a', 'b']);
    expect(reads).toEqual([['a', 'b', 'x']]);

    const request = loader();
    const same = await cache.load(request, ['a', 'b'], '1');
    expect(reads).toHaveLength(1);
    expect(same.get('a')?.name).toBe('A');
    expect(Object.isFrozen(same.get('a'))).toBe(true);
    expect(await request.load('b')).toBe(same.get('b'));
    expect(reads).toHaveLength(1);

    rows.set('a', { id: 'a', name: 'A2' });
    expect((await cache.load(loader(), ['a'], '2')).get('a')?.name).toBe('A2');
    expect(reads.at(-1)).toEqual(['a']);
  });

  it('reads afresh a record that the request read before the stamp (it could be older than the stamp)', async () => {
    const rows = new Map([['a', { id: 'a', name: 'A' }]]);
    const { reads, loader } = table(rows);
    const cache = new DirectoryCache<{ id: string; name: string }>(100);
    const request = loader();
    expect((await request.load('a'))?.name).toBe('A');
    rows.set('a', { id: 'a', name: 'A2' });
    expect((await cache.load(request, ['a'], '2')).get('a')?.name).toBe('A2');
    expect((await request.load('a'))?.name).toBe('A2');
    expect(reads).toEqual([['a'], ['a']]);
  });

  it('keeps nothing with 0 records', async () => {
    const { reads, loader } = table(new Map([['a', { id: 'a', name: 'A' }]]));
    const cache = new DirectoryCache<{ id: string; name: string }>(0);
    await cache.load(loader(), ['a'], '1');
    await cache.load(loader(), ['a'], '1');
    expect(reads).toHaveLength(2);
  });
});
