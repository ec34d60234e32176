import { eq, sql } from 'drizzle-orm';
import type { RateLimit, RateLimitsConfig } from '../config.js';
import { type Db, rowsOf } from '../db/client.js';
import { rateLimitsTable } from '../db/schema.js';
import { RateLimitError } from '../errors.js';
import { rateLimitSubject } from '../lib/client-ip.js';
import type { Clock } from '../lib/clock.js';
import { keyedHash } from '../lib/crypto.js';

/** The checks the login flow makes; `RATE_LIMIT=off` gives one that lets everything through. */
export interface RateLimits {
  /** Counts a createEmailToken call, or throws RateLimitError and counts nothing. */
  emailToken(email: string, ip: string | null): Promise<void>;
  /** Counts a createSession call (one guess), or throws RateLimitError and counts nothing. */
  sessionAttempt(userId: string, ip: string | null): Promise<void>;
  /** A successful login forgives the client's earlier wrong guesses on that account. */
  loginSucceeded(userId: string, ip: string | null): Promise<void>;
}

export const noRateLimits: RateLimits = {
  emailToken: async () => {},
  sessionAttempt: async () => {},
  loginSucceeded: async () => {},
};

/** The limits by name; the name starts every key of the limit in `rate_limits`. */
export const LIMIT_NAMES = {
  emailTokenResend: 'email-token:resend',
  emailTokenEmail: 'email-token:email',
  emailTokenIp: 'email-token:ip',
  sessionUserIp: 'session:user-ip',
  sessionIp: 'session:ip',
} as const satisfies Record<keyof RateLimitsConfig, string>;

/**
 * The row key of one limit and subject. Subjects (an email, an address, a userId) are stored as a
 * keyed hash: the table names nobody, and a key cannot be found from a guessed email without
 * AUTH_SECRET. IPv6 addresses count by their /64.
 */
export function rateLimitKeys(authSecret: string) {
  const hash = keyedHash(authSecret, 'rate-limit');
  const key = (limit: keyof RateLimitsConfig, subject: string) => `${LIMIT_NAMES[limit]}:${hash(subject)}`;
  return {
    email: (limit: 'emailTokenResend' | 'emailTokenEmail', email: string) => key(limit, email),
    ip: (limit: 'emailTokenIp' | 'sessionIp', ip: string | null) => key(limit, rateLimitSubject(ip)),
    userIp: (userId: string, ip: string | null) => key('sessionUserIp', `${rateLimitSubject(ip)}|${userId}`),
  };
}

interface Count {
  key: string;
  limit: RateLimit;
}

/**
 * The limits of the login flow as sliding windows in the database (`rate_limits`), so every instance
 * on it counts together: at most `points` calls in ANY window of `durationSeconds`, not per fixed
 * window. One call is one statement (the otpql_rate_limit() function of migration 0002), which counts
 * it against all of its limits or, refused, against none.
 */
export function createRateLimits(options: { db: Db; config: RateLimitsConfig; authSecret: string; clock: Clock }): RateLimits {
  const { db, config, clock } = options;
  const keys = rateLimitKeys(options.authSecret);

  async function count(counts: Count[]): Promise<void> {
    const limits = JSON.stringify(counts.map((c) => ({ key: c.key, points: c.limit.points, seconds: c.limit.durationSeconds })));
    const [row] = rowsOf<{ wait: number | string }>(
      await db.execute(sql`SELECT otpql_rate_limit(${limits}::jsonb, ${clock.now().toISOString()}::timestamptz) AS wait`),
    );
    const wait = Number(row!.wait);
    // retryAfter in whole seconds, rounded up: a client that waits that long is let through.
    if (wait > 0) throw new RateLimitError(Math.max(1, Math.ceil(wait)));
  }

  return {
    emailToken: (email, ip) =>
      count([
        { key: keys.email('emailTokenResend', email), limit: config.emailTokenResend },
        { key: keys.email('emailTokenEmail', email), limit: config.emailTokenEmail },
        { key: keys.ip('emailTokenIp', ip), limit: config.emailTokenIp },
      ]),
    sessionAttempt: (userId, ip) =>
      count([
        { key: keys.userIp(userId, ip), limit: config.sessionUserIp },
        { key: keys.ip('sessionIp', ip), limit: config.sessionIp },
      ]),
    loginSucceeded: async (userId, ip) => {
      await db.delete(rateLimitsTable).where(eq(rateLimitsTable.key, keys.userIp(userId, ip)));
    },
  };
}
