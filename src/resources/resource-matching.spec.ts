import { describe, expect, it } from '@jest/globals';
import { greatCircleKm, matchScore } from './resource-matching.js';

describe('resource matching score', () => {
  it('ranks any covering holding above any partial one, then nearer above farther', () => {
    expect(matchScore(true, 5000)).toBeGreaterThan(matchScore(false, 0));
    expect(matchScore(true, 1)).toBeGreaterThan(matchScore(true, 2));
    expect(matchScore(false, 10)).toBeGreaterThan(matchScore(false, 11));
    expect(matchScore(true, 1e6)).toBeGreaterThan(matchScore(true, null));
    expect(matchScore(false, null)).toBe(0);
  });

  it('measures great-circle distance', () => {
    // Stockholm – Norrtälje, about 62 km as the crow flies.
    expect(greatCircleKm(59.329, 18.069, 59.758, 18.705)).toBeGreaterThan(55);
    expect(greatCircleKm(59.329, 18.069, 59.758, 18.705)).toBeLessThan(65);
    expect(greatCircleKm(10, 20, 10, 20)).toBe(0);
  });
});
