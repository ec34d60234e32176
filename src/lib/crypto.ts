import { createHash, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A code of `length` decimal digits, each drawn uniformly from a CSPRNG (leading zeros allowed). */
export function randomDigits(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/** `bytes` random bytes as lower-case hex: ids (10 bytes = 20 characters) and credentials. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A 256-bit session credential, URL-safe so it fits headers and cookies unescaped. */
export function randomCredential(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * HMAC-SHA-256 keyed by AUTH_SECRET. Codes are hashed with a key, not a bare hash: a million
 * six-digit codes are reversed from an unkeyed SHA-256 in milliseconds.
 */
export function hmac(key: string, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

/**
 * A keyed hash for one purpose, under a key derived from AUTH_SECRET by HKDF: it names a person's
 * data (an email, an address) in a table without storing it, and the name cannot be recomputed
 * from a guess without the secret. 128 bits, as hex.
 */
export function keyedHash(secret: string, purpose: string): (value: string) => string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'otpql', purpose, 32));
  return (value) => createHmac('sha256', key).update(value).digest('hex').slice(0, 32);
}

/** SHA-256 of a 256-bit credential: enough entropy that a key adds nothing. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time comparison of two hex digests (different lengths compare unequal). */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
