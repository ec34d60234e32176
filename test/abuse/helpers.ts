import { sql } from 'drizzle-orm';
import { rateLimitKeys } from '../../src/abuse/rate-limit.js';
import { rowsOf } from '../helpers/database.js';
import { CREATE_EMAIL_TOKEN, CREATE_SESSION, TEST_AUTH_SECRET, type TestApp } from '../helpers/test-app.js';

/** Rate limits on, with X-Forwarded-For from the loopback test client believed: each test picks its IP. */
export const LIMITED = { RATE_LIMIT: 'on', TRUST_PROXY: '127.0.0.1' };

let nextIp = 1;
/** A fresh documentation-range address per call, so tests do not share per-IP counters. */
export const freshIp = () => `198.51.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

export const from = (ip: string) => ({ 'x-forwarded-for': ip });

export async function sendCode(t: TestApp, email: string, ip: string) {
  const res = await t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email }, from(ip));
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.data!.createEmailToken;
}

/** Asks for a code from a fresh IP and reads it from the mail. */
export async function codeFor(t: TestApp, email: string) {
  const token = await sendCode(t, email, freshIp());
  if (token.__typename !== 'Token') throw new Error(`createEmailToken: ${JSON.stringify(token)}`);
  const mail = await t.mail.next(email);
  return { userId: token.userId as string, code: mail.code! };
}

export async function guess(t: TestApp, userId: string, secret: string, ip: string) {
  const res = await t.gql(CREATE_SESSION, { userId, secret }, from(ip));
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.data!.createSession;
}

/** A code that is not `code` (same length). */
export const wrong = (code: string) => code.replace(/^./, (d) => String((Number(d) + 1) % 10));

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
