import { lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { parseRows } from '../db/rows.js';
import { loginCodesTable, sessionsTable } from '../db/schema.js';
import { type Clock, addSeconds } from '../lib/clock.js';

/** Distinct from the migration lock: one instance at a time cleans up, the others skip that round. */
const CLEANUP_LOCK = 727_261_002;

export interface CleanupOptions {
  now: Date;
  /** OTP_MAX_ATTEMPTS: a code with this many guesses is dead. */
  maxAttempts: number;
  /** UNVERIFIED_ACCOUNT_TTL_SECONDS. */
  unverifiedAccountTtlSeconds: number;
}

export interface CleanupResult {
  sessions: number;
  loginCodes: number;
  accounts: number;
  rateLimits: number;
}

/**
 * Deletes expired sessions, dead codes (expired, or out of attempts), abandoned accounts and idle
 * rate-limit keys so the tables do not grow without bound. Runs under a transaction-level advisory try-lock: with several
 * instances, whoever gets the lock does the round; the others return null at once.
 */
export async function cleanupExpired(db: Db, { now, maxAttempts, unverifiedAccountTtlSeconds }: CleanupOptions): Promise<CleanupResult | null> {
  const at = now.toISOString();
  return db.transaction(async (tx) => {
    // Not bound by the request pool's 5 s statement timeout (DATABASE_STATEMENT_TIMEOUT_MS): the first
    // round after a long pause may have many rows to delete, and a round cut short would keep failing.
    await tx.execute(sql`set local statement_timeout = '60s'`);
    const [lock] = await tx
      .select({ got: sql<boolean>`pg_try_advisory_xact_lock(${CLEANUP_LOCK})` })
      .from(sql`(select 1) as one`);
    if (!lock?.got) return null;
    const sessions = await tx.delete(sessionsTable).where(lt(sessionsTable.expire, now)).returning({ id: sessionsTable.id });
    const loginCodes = await tx
      .delete(loginCodesTable)
      .where(sql`${loginCodesTable.expire} < ${at}::timestamptz OR ${loginCodesTable.attempts} >= ${maxAttempts}`)
      .returning({ id: loginCodesTable.id });
    // Every createEmailToken for a new email creates an account: one never verified, with no session
    // and no live code, is a flood's leftover or an abandoned login. Blocked accounts stay (deleting
    // one would unblock its email). SKIP LOCKED leaves alone an account whose new code is being
    // inserted right now (its foreign-key check holds the row); one deleted just before that check
    // makes the insert fail with 23503, and createEmailToken then creates the account anew.
    const accounts = parseRows(
      await tx.execute(sql`
        DELETE FROM users WHERE id IN (
          SELECT u.id FROM users u
          WHERE u.email_verification = false AND u.status = 'active'
            AND u.created_at < ${addSeconds(now, -unverifiedAccountTtlSeconds).toISOString()}::timestamptz
            AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id)
            AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.user_id = u.id AND t.expire >= ${at}::timestamptz AND t.attempts < ${maxAttempts})
          FOR UPDATE SKIP LOCKED
        )
        RETURNING id`),
      z.object({ id: z.string() }),
    );
    // A rate-limit key whose newest hit has left its window counts nothing any more.
    // SKIP LOCKED: a key a call holds is in use again, and waiting for it could deadlock with that
    // call (which may wait for a code row deleted above).
    const rateLimits = parseRows(
      await tx.execute(sql`
        DELETE FROM rate_limits WHERE key IN (
          SELECT key FROM rate_limits WHERE expire < ${at}::timestamptz FOR UPDATE SKIP LOCKED
        )
        RETURNING key`),
      z.object({ key: z.string() }),
    );
    return { sessions: sessions.length, loginCodes: loginCodes.length, accounts: accounts.length, rateLimits: rateLimits.length };
  });
}

/** Runs cleanupExpired every `intervalSeconds` (first run after one interval) until stopped. */
export function startCleanup(options: {
  db: Db;
  clock: Clock;
  logger: Logger;
  intervalSeconds: number;
  maxAttempts: number;
  unverifiedAccountTtlSeconds: number;
}) {
  const run = async () => {
    try {
      const result = await cleanupExpired(options.db, { ...options, now: options.clock.now() });
      if (result && Object.values(result).some((n) => n > 0)) options.logger.info(result, 'cleanup: removed expired rows');
    } catch (error) {
      options.logger.error({ err: error }, 'cleanup failed');
    }
  };
  const timer = setInterval(run, options.intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
