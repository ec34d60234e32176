import { describe, expect, it } from 'vitest';
import { ADJECTIVES, NOUNS, randomPhrase } from '../../src/lib/phrase.js';

describe('security phrase', () => {
  it('draws from at least 200 adjectives and 200 distinct nouns', () => {
    expect(new Set(ADJECTIVES).size).toBeGreaterThanOrEqual(200);
    expect(new Set(NOUNS).size).toBeGreaterThanOrEqual(200);
  });

  it('is an adjective and a noun, and varies', () => {
    const phrases = new Set(Array.from({ length: 50 }, randomPhrase));
    expect(phrases.size).toBeGreaterThan(40);
    for (const p of phrases) {
      const [adjective, noun] = p.split(' ');
      expect(ADJECTIVES).toContain(adjective!.toLowerCase());
      expect(NOUNS).toContain(noun);
    }
  });
});
