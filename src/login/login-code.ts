import { digestsEqual, hmac } from '../lib/crypto.js';

/**
 * The stored form of a login code: an HMAC keyed with AUTH_SECRET (a million six-digit codes are
 * reversed from a bare hash in milliseconds) and bound to the code's row id, so that two equal codes
 * never hash alike.
 */
export function loginCodeHash(authSecret: string, codeId: string, code: string): string {
  return hmac(authSecret, `${codeId}:${code}`);
}

/** A live code as stored: its row id and hash. */
export interface StoredLoginCode {
  id: string;
  codeHash: string;
}

// Stands in for a missing code: an id no code has, a hash no HMAC gives.
const NO_CODE: StoredLoginCode = { id: '-', codeHash: '0'.repeat(64) };

/**
 * Whether `code` is the stored one. The HMAC is computed and compared (in constant time) even when
 * there is no stored code, so that the answer takes as long for a user with a live code as for one
 * without: its timing tells nothing.
 */
export function isRightCode(authSecret: string, stored: StoredLoginCode | null, code: string): boolean {
  const against = stored ?? NO_CODE;
  const same = digestsEqual(loginCodeHash(authSecret, against.id, code), against.codeHash);
  return stored !== null && same;
}
