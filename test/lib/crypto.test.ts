import { describe, expect, it } from 'vitest';
import { digestsEqual, hmac, randomCredential, randomDigits, randomHex, sha256 } from '../../src/lib/crypto.js';

describe('randomDigits', () => {
  it('makes codes of the asked length with every digit about equally likely', () => {
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 2000; i++) {
      const code = randomDigits(10);
      expect(code).toMatch(/^\d{10}$/);
      for (const d of code) counts[Number(d)]++;
    }
    // 20 000 digits: each expected 2000 times; ±15% is far outside chance for a fair source.
    for (const c of counts) expect(c).toBeGreaterThan(1700), expect(c).toBeLessThan(2300);
  });
});

describe('hashes', () => {
  it('keys the code HMAC by the secret', () => {
    expect(hmac('a', '123456')).not.toBe(hmac('b', '123456'));
    expect(hmac('a', '123456')).toMatch(/^[0-9a-f]{64}$/);
  });

  // The comparison's constant time is node's crypto.timingSafeEqual's; what is ours to test is that
  // every byte counts and that a length mismatch is refused before it (timingSafeEqual would throw).
  it('compares whole digests: a difference in the first or the last byte, or in length, is unequal', () => {
    const d = sha256('x');
    expect(digestsEqual(d, sha256('x'))).toBe(true);
    const flip = (hex: string, at: number) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
    expect(digestsEqual(d, flip(d, 0))).toBe(false);
    expect(digestsEqual(d, flip(d, 63))).toBe(false);
    expect(digestsEqual(d, d.slice(0, 10))).toBe(false);
    expect(digestsEqual(d, '')).toBe(false);
  });

  it('makes 256-bit credentials and 20-character ids', () => {
    expect(Buffer.from(randomCredential(), 'base64url')).toHaveLength(32);
    expect(randomHex(10)).toMatch(/^[0-9a-f]{20}$/);
  });
});
