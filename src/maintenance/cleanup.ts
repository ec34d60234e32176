import { lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { sessionsTable, tokensTable } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';

/** Distinct from the migration lock: one instance at a time cleans up, the others skip that round. */
const CLEANUP_LOCK = 727_261_002;

export interface CleanupResult {
  sessions: number;
  tokens: number;
}

/**
 * Deletes expired sessions and dead codes (expired, or out of attempts) so the tables do not grow
 * without bound. Runs under a transaction-level advisory try-lock: with several instances, whoever
 * gets the lock does the round; the others return null at once.
 */
export async function cleanupExpired(db: Db, now: Date, maxAttempts: number): Promise<CleanupResult | null> {
  return db.transaction(async (tx) => {
    // Not bound by the request pool's 5 s statement timeout (DATABASE_STATEMENT_TIMEOUT_MS): the first
    // round after a long pause may have many rows to delete, and a round cut short would keep failing.
    await tx.execute(sql`set local statement_timeout = '60s'`);
    const [lock] = await tx
      .select({ got: sql<boolean>`pg_try_advisory_xact_lock(${CLEANUP_LOCK})` })
      .from(sql`(select 1) as one`);
    if (!lock?.got) return null;
    const sessions = await tx.delete(sessionsTable).where(lt(sessionsTable.expire, now)).returning({ id: sessionsTable.id });
    const tokens = await tx
      .delete(tokensTable)
      .where(sql`${tokensTable.expire} < ${now.toISOString()}::timestamptz OR ${tokensTable.attempts} >= ${maxAttempts}`)
      .returning({ id: tokensTable.id });
    return { sessions: sessions.length, tokens: tokens.length };
  });
}

/** Runs cleanupExpired every `intervalSeconds` (first run after one interval) until stopped. */
export function startCleanup(options: { db: Db; clock: Clock; logger: Logger; intervalSeconds: number; maxAttempts: number }) {
  const run = async () => {
    try {
      const result = await cleanupExpired(options.db, options.clock.now(), options.maxAttempts);
      if (result && (result.sessions || result.tokens)) options.logger.info(result, 'cleanup: removed expired rows');
    } catch (error) {
      options.logger.error({ err: error }, 'cleanup failed');
    }
  };
  const timer = setInterval(run, options.intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
