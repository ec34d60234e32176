import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync } from 'node:crypto';
import { randomBytesPooled } from './crypto.js';

export interface SealedBox {
  seal(value: unknown): string;
  open<T>(sealed: string): T;
}

/**
 * AES-256-GCM with a key derived from AUTH_SECRET by HKDF, so a database dump alone never reveals
 * what was sealed (the queued mail and its code). Format: base64url(iv ‖ tag ‖ ciphertext).
 */
export function createSealedBox(secret: string, purpose: string): SealedBox {
  // A key object, imported once: a Buffer key is imported again by every cipher.
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'otpql', purpose, 32)));
  return {
    seal(value) {
      // From the CSPRNG's pool (lib/crypto.ts): a synchronous randomBytes call per seal cost ~7 µs.
      const iv = randomBytesPooled(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
    },
  };
}
