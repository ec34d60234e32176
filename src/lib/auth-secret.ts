import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Embedded mode without AUTH_SECRET: the secret generated on first start, kept in DATA_DIR with
 * mode 0600 so codes and queued mail stay readable across restarts.
 */
export function loadOrCreateAuthSecret(dataDir: string): { secret: string; created: boolean } {
  const file = join(dataDir, 'auth-secret');
  try {
    return { secret: readFileSync(file, 'utf8').trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { secret, created: true };
}
