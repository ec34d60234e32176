import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { z } from 'zod';
import type { Database, Db } from './client.js';
import { parseRow } from './rows.js';

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** An arbitrary constant naming otpql's migration lock among other users of the database. */
const MIGRATION_LOCK = 727_261_001;

/**
 * Applies drizzle/ migrations. On PostgreSQL under an advisory lock, so several
 * instances starting at once apply them exactly once; PGlite has a single connection.
 */
export async function migrate(database: Database): Promise<void> {
  if (database.kind === 'embedded') {
    const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  // Nothing to apply (the usual start of one more instance): no lock taken. That also keeps a
  // session lock away from a transaction-mode pooler when the migrations were applied beforehand.
  if (await migrationsApplied(database.db).catch(() => false)) return;
  // Not on the request pool: its statement and lock timeouts would cut a long migration short, and
  // a second instance's wait for the first one's lock.
  const own = database.openForMigrations!();
  try {
    // A session-level lock held on one reserved connection while the migrator works on the other:
    // a second instance blocks on its own pg_advisory_lock until the first has finished.
    const reserved = await own.sql!.reserve();
    try {
      await reserved`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migratePostgres(own.db as never, { migrationsFolder });
    } finally {
      await reserved`select pg_advisory_unlock(${MIGRATION_LOCK})`;
      reserved.release();
    }
  } finally {
    await own.close();
  }
}

let newestMigration: number | undefined;

/**
 * Whether every migration of drizzle/ has been applied to `db`: drizzle records each applied one
 * with its journal time, and applies those newer than the newest it recorded. One small query, for
 * the readiness probe; fails when the database cannot be reached.
 */
export async function migrationsApplied(db: Db): Promise<boolean> {
  newestMigration ??= Math.max(
    ...(JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: { when: number }[] }).entries.map((e) => e.when),
  );
  let result: unknown;
  try {
    result = await db.execute(sql`select coalesce(max(created_at), 0)::float8 as last from drizzle.__drizzle_migrations`);
  } catch (error) {
    // A database never migrated has no migrations table: pending, not unreachable.
    const { missing } = parseRow(
      await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is null as missing`),
      z.object({ missing: z.boolean() }),
    );
    if (missing) return false;
    throw error;
  }
  const { last } = parseRow(result, z.object({ last: z.coerce.number() }));
  return last >= newestMigration;
}
