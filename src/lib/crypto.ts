import { type KeyObject, createHmac, createSecretKey, hash, hkdfSync, randomFillSync, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Random bytes for ids and credentials, drawn from a pool the CSPRNG fills 4 KiB at a time (as
 * Node's randomUUID does): a randomBytes() call per id was a synchronous OpenSSL call each, three
 * per `send` (1.4 % of the server's busy time in npm run bench's profile). Every byte is handed out once.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomSlice(bytes: number): Buffer {
  if (bytes > POOL_SIZE) throw new RangeError(`at most ${POOL_SIZE} random bytes at once`);
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const slice = pool.subarray(poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return slice;
}

/** A code of `length` decimal digits, each drawn uniformly from a CSPRNG (leading zeros allowed). */
export function randomDigits(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/** `bytes` random bytes (a copy, at most 4 KiB) from the pool: an IV per sealed message. */
export function randomBytesPooled(bytes: number): Buffer {
  return Buffer.from(randomSlice(bytes));
}

/** `bytes` random bytes as lower-case hex: ids (10 bytes = 20 characters) and credentials. */
export function randomHex(bytes: number): string {
  return randomSlice(bytes).toString('hex');
}

/** A 256-bit session credential, URL-safe so it fits headers and cookies unescaped. */
export function randomCredential(): string {
  return randomSlice(32).toString('base64url');
}

/**
 * HMAC-SHA-256 keyed by AUTH_SECRET. Codes are hashed with a key, not a bare hash: a million
 * six-digit codes are reversed from an unkeyed SHA-256 in milliseconds.
 */
export function hmac(key: string, value: string): string {
  return createHmac('sha256', hmacKey(key)).update(value).digest('hex');
}

/** The key object of a key string, made once: createHmac with a string imports the key each call. */
const hmacKeys = new Map<string, KeyObject>();
function hmacKey(key: string): KeyObject {
  let found = hmacKeys.get(key);
  if (!found) {
    found = createSecretKey(Buffer.from(key, 'utf8'));
    // One AUTH_SECRET in production; tests make more. Bounded all the same.
    if (hmacKeys.size >= 16) hmacKeys.clear();
    hmacKeys.set(key, found);
  }
  return found;
}

/**
 * A keyed hash for one purpose, under a key derived from AUTH_SECRET by HKDF: it names a person's
 * data (an email, an address) in a table without storing it, and the name cannot be recomputed
 * from a guess without the secret. 128 bits, as hex.
 */
export function keyedHash(secret: string, purpose: string): (value: string) => string {
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'otpql', purpose, 32)));
  return (value) => createHmac('sha256', key).update(value).digest('hex').slice(0, 32);
}

/** SHA-256 of a 256-bit credential: enough entropy that a key adds nothing. */
export function sha256(value: string): string {
  // One-shot (Node ≥ 20.12): no Hash object per call.
  return hash('sha256', value, 'hex');
}

/** Constant-time comparison of two hex digests (different lengths compare unequal). */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
