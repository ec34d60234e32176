import { fileURLToPath } from 'node:url';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from './client.js';

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
