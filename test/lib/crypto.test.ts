import { describe, expect, it } from 'vitest';
import { digestsEqual, hmac, randomCredential, randomDigits, randomHex, sha256 } from '../../src/lib/crypto.js';
import { ADJECTIVES, NOUNS, randomPhrase } from '../../src/lib/phrase.js';
import { createSealedBox } from '../../src/lib/sealed-box.js';
import { parseUserAgent } from '../../src/lib/user-agent.js';
import { safeString } from '../../src/lib/validation.js';

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

  it('compares digests in constant time and rejects different lengths', () => {
    const d = sha256('x');
    expect(digestsEqual(d, sha256('x'))).toBe(true);
    expect(digestsEqual(d, sha256('y'))).toBe(false);
    expect(digestsEqual(d, d.slice(0, 10))).toBe(false);
  });

  it('makes 256-bit credentials and 20-character ids', () => {
    expect(Buffer.from(randomCredential(), 'base64url')).toHaveLength(32);
    expect(randomHex(10)).toMatch(/^[0-9a-f]{20}$/);
  });
});

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

describe('sealed box', () => {
  it('round-trips, and cannot be opened with another secret or after tampering', () => {
    const box = createSealedBox('secret-one-secret-one-secret-one', 'outbox');
    const sealed = box.seal({ code: '123456' });
    expect(sealed).not.toContain('123456');
    expect(box.open(sealed)).toEqual({ code: '123456' });
    expect(() => createSealedBox('secret-two-secret-two-secret-two', 'outbox').open(sealed)).toThrow();
    const tampered = Buffer.from(sealed, 'base64url');
    tampered[tampered.length - 1]! ^= 1;
    expect(() => box.open(tampered.toString('base64url'))).toThrow();
  });
});

describe('parseUserAgent', () => {
  it('names client, OS and device', () => {
    expect(parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1')).toEqual({
      clientName: 'Mobile Safari',
      osName: 'iOS 17.4',
      deviceName: 'Apple iPhone',
    });
    expect(parseUserAgent('')).toEqual({ clientName: null, osName: null, deviceName: null });
  });
});

describe('safeString', () => {
  it.each([['nul\u0000'], ['bell\u0007'], ['newline\n'], ['c1\u0085'], ['lone\ud800'], ['\udc00lone']])('refuses %j', (value) => {
    expect(safeString(100).safeParse(value).success).toBe(false);
  });
  it('accepts ordinary Unicode, emoji included', () => {
    expect(safeString(100).safeParse('Zoë 😀 日本').success).toBe(true);
  });
});
