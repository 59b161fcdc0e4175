import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Environment } from './environment.js';

describe('.env.example', () => {
  it('lists every variable the configuration reads, and no other', () => {
    const listed = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split('=')[0])
      .sort();
    const source = readFileSync(new URL('./environment.ts', import.meta.url), 'utf8');
    const declared = [...source.matchAll(/^\s+([A-Z][A-Z0-9_]+)[?]?\s*[:=]/gm)].map((m) => m[1]).sort();
    expect(declared.length).toBeGreaterThan(20);
    expect(listed).toEqual(declared);
    expect(Object.keys(new Environment()).every((k) => listed.includes(k))).toBe(true);
  });
});
