import { describe, expect, it } from 'vitest';
import { safeString } from '../../src/lib/validation.js';

describe('safeString', () => {
  it.each([['nul\u0000'], ['bell\u0007'], ['newline\n'], ['c1\u0085'], ['lone\ud800'], ['\udc00lone']])('refuses %j', (value) => {
    expect(safeString(100).safeParse(value).success).toBe(false);
  });
  it('accepts ordinary Unicode, emoji included', () => {
    expect(safeString(100).safeParse('Zoë 😀 日本').success).toBe(true);
  });
});
