import { describe, expect, it } from '@jest/globals';
import { formatReference, likePattern } from './incidents.service.js';

describe('incident references and search patterns', () => {
  it('pads the number to four digits and keeps growing past 9999', () => {
    expect(formatReference(2026, 42)).toBe('2026-0042');
    expect(formatReference(2026, 12345)).toBe('2026-12345');
  });

  it('makes LIKE wildcards match themselves', () => {
    expect(likePattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});
