import { sql } from 'drizzle-orm';
import { rateLimitKeys } from '../../src/abuse/rate-limit.js';
import { rowsOf } from '../helpers/database.js';
import { TEST_AUTH_SECRET, type TestApp } from '../helpers/test-app.js';

/** Rate limits on, with X-Forwarded-For from the loopback test client believed: each test picks its IP. */
export const LIMITED = { RATE_LIMIT: 'on', TRUST_PROXY: '127.0.0.1' };

export async function query<T>(t: TestApp, text: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await t.db.db.execute(text));
}

/** Messages queued for `email` (the outbox row is written with the code, before any SMTP). */
export async function queuedMails(t: TestApp, email: string): Promise<number> {
  const [row] = await query<{ n: number }>(t, sql`SELECT count(*)::int AS n FROM outbox WHERE recipient = ${email}`);
  return row!.n;
}

export async function attemptsOf(t: TestApp, userId: string): Promise<number | null> {
  const [row] = await query<{ attempts: number }>(t, sql`SELECT attempts FROM tokens WHERE user_id = ${userId}`);
  return row ? row.attempts : null;
}

export async function sessionsOf(t: TestApp, userId: string): Promise<number> {
  const [row] = await query<{ n: number }>(t, sql`SELECT count(*)::int AS n FROM sessions WHERE user_id = ${userId}`);
  return row!.n;
}

/** The `rate_limits` keys of the test apps (they share AUTH_SECRET). */
export const keys = rateLimitKeys(TEST_AUTH_SECRET);

/** Calls one limit has counted for one key in the window of `windowSeconds` ending at the app's clock. */
export async function pointsOf(t: TestApp, key: string, windowSeconds = 3600): Promise<number> {
  const since = new Date(t.clock.now().getTime() - windowSeconds * 1000).toISOString();
  const [row] = await query<{ points: number }>(
    t,
    sql`SELECT count(*)::int AS points FROM rate_limits, unnest(hits) h WHERE key = ${key} AND h > ${since}::timestamptz`,
  );
  return row?.points ?? 0;
}
