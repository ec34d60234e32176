import { describe, expect, it } from 'vitest';
import { isRightCode, loginCodeHash } from '../../src/login/login-code.js';

const SECRET = 'a-secret-of-at-least-32-characters-0001';

describe('loginCodeHash', () => {
  it('is an HMAC keyed by AUTH_SECRET: another secret gives another hash', () => {
    expect(loginCodeHash(SECRET, 'code1', '123456')).toMatch(/^[0-9a-f]{64}$/);
    expect(loginCodeHash(SECRET, 'code1', '123456')).not.toBe(loginCodeHash(`${SECRET}x`, 'code1', '123456'));
  });

  it('is bound to the code row: the same code under another id hashes otherwise', () => {
    expect(loginCodeHash(SECRET, 'code1', '123456')).not.toBe(loginCodeHash(SECRET, 'code2', '123456'));
  });
});

describe('isRightCode', () => {
  const stored = { id: 'code1', codeHash: loginCodeHash(SECRET, 'code1', '123456') };

  it('accepts the code and refuses any other, a code of another row, and no stored code', () => {
    expect(isRightCode(SECRET, stored, '123456')).toBe(true);
    expect(isRightCode(SECRET, stored, '123457')).toBe(false);
    expect(isRightCode(SECRET, stored, '1234560')).toBe(false);
    expect(isRightCode(SECRET, { ...stored, id: 'code2' }, '123456')).toBe(false);
    expect(isRightCode(SECRET, null, '123456')).toBe(false);
  });

  it('cannot be fooled by the stand-in it compares against when there is no code', () => {
    // The stand-in's hash is 64 zeros: no HMAC gives it, whatever the code.
    for (const code of ['', '0', '000000', '-']) expect(isRightCode(SECRET, null, code)).toBe(false);
  });
});
