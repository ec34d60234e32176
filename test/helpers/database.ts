import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { type Database, type PostgresTimeouts, createDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

/** Set to run the suite on PostgreSQL; otherwise every test database is an in-memory PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const onPostgres = Boolean(TEST_DATABASE_URL);

export interface TestDatabase extends Database {
  /** Connection URL of the fresh PostgreSQL database (PostgreSQL runs only). */
  url?: string;
  /** The PGlite instance (PGlite runs only), e.g. to dump its data directory. */
  pglite?: PGlite;
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file. PostgreSQL: a new database, dropped afterwards, whose
 * pool has `timeouts` (the app's configured ones when made by startTestApp).
 * PGlite: a clone of a migrated data directory dumped once per run (a fresh instance plus migrations
 * costs seconds, a clone about half a second).
 */
export async function createTestDatabase(timeouts?: PostgresTimeouts): Promise<TestDatabase> {
  if (TEST_DATABASE_URL) {
    const name = `otpql_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    const database = await createDatabase({ kind: 'postgres', url: url.toString(), timeouts });
    await migrate(database);
    return {
      ...database,
      url: url.toString(),
      async destroy() {
        await database.close();
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const pglite = new PGlite({ loadDataDir: await migratedTemplate() });
  const database = await createDatabase({ kind: 'embedded', pglite });
  return { ...database, pglite, destroy: () => database.close() };
}

async function migratedTemplate(): Promise<Blob> {
  const file = join(tmpdir(), `otpql-pglite-template-${migrationsStamp()}.tar`);
  if (!existsSync(file)) {
    const pglite = new PGlite();
    await migrate(await createDatabase({ kind: 'embedded', pglite }));
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    // rename is atomic: parallel workers never read a half-written template.
    renameSync(tmp, file);
  }
  return new Blob([readFileSync(file)]);
}

/** Changes whenever a migration changes (its SQL or the journal), so a stale template is never reused. */
function migrationsStamp(): string {
  const dir = new URL('../../drizzle/', import.meta.url);
  const files = ['meta/_journal.json', ...readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()];
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(new URL(file, dir)));
  return hash.digest('hex').slice(0, 12);
}

/** The rows of a raw `db.execute()` in a test, untyped: `db.execute()` answers an array on postgres.js and `{ rows }` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
