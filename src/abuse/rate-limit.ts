import { type SQL, sql } from 'drizzle-orm';
import { RateLimitError } from '../lib/errors.js';
import { rateLimitSubject } from '../lib/client-ip.js';
import { keyedHash } from '../lib/crypto.js';

/** A limit: at most `points` calls in any window of `durationSeconds`. */
export interface RateLimit {
  points: number;
  durationSeconds: number;
}

/** The limits of the login flow (RATE_LIMIT_*). */
export interface RateLimitsConfig {
  /** createEmailToken per email: the resend cool-down. */
  emailTokenResend: RateLimit;
  /** createEmailToken per email, over a longer window. */
  emailTokenEmail: RateLimit;
  /** createEmailToken per client IP. */
  emailTokenIp: RateLimit;
  /** createSession per client IP and userId; cleared by a successful login. */
  sessionUserIp: RateLimit;
  /** createSession per client IP. */
  sessionIp: RateLimit;
}

/**
 * What one call counts against, as the otpql_rate_limit() function of migration 0002 reads it:
 * `[{key, points, seconds}]`, JSON. `[]` counts nothing.
 */
export type LimitCounts = string;

/**
 * The limits of the login flow. They are counted by the very statement that performs the call
 * (`countedSql` inside the repository's SQL), so a call and its limits are one round trip and one
 * commit: the limits cost no extra round trip, a refused call changes nothing, and a guess at a live
 * code costs the database what a guess at no code costs (one commit either way: see Security).
 */
export interface RateLimits {
  emailToken(email: string, ip: string | null): LimitCounts;
  sessionAttempt(userId: string, ip: string | null): LimitCounts;
  /** The key a successful login deletes (the client's earlier wrong guesses on that account), or null. */
  forgivenByLogin(userId: string, ip: string | null): string | null;
}

export const noRateLimits: RateLimits = {
  emailToken: () => '[]',
  sessionAttempt: () => '[]',
  forgivenByLogin: () => null,
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

/**
 * The limits as sliding windows in the database (`rate_limits`), so every instance on it counts
 * together: at most `points` calls in ANY window of `durationSeconds`, not per fixed window.
 */
export function createRateLimits(options: { config: RateLimitsConfig; authSecret: string }): RateLimits {
  const { config } = options;
  const keys = rateLimitKeys(options.authSecret);
  const counts = (list: Array<[string, RateLimit]>): LimitCounts =>
    JSON.stringify(list.map(([key, limit]) => ({ key, points: limit.points, seconds: limit.durationSeconds })));
  return {
    emailToken: (email, ip) =>
      counts([
        [keys.email('emailTokenResend', email), config.emailTokenResend],
        [keys.email('emailTokenEmail', email), config.emailTokenEmail],
        [keys.ip('emailTokenIp', ip), config.emailTokenIp],
      ]),
    sessionAttempt: (userId, ip) =>
      counts([
        [keys.userIp(userId, ip), config.sessionUserIp],
        [keys.ip('sessionIp', ip), config.sessionIp],
      ]),
    forgivenByLogin: (userId, ip) => keys.userIp(userId, ip),
  };
}

/**
 * The SQL expression that counts `counts` at `now`: the seconds until the call could be counted,
 * 0 when it was. Statements gate every write of theirs on it being 0.
 */
export function countedSql(counts: LimitCounts, now: Date): SQL {
  return sql`otpql_rate_limit(${counts}::jsonb, ${now.toISOString()}::timestamptz)`;
}

/** The answer to a call the limits refused; `wait` is what countedSql answered, in seconds. */
export function rateLimitError(wait: number): RateLimitError {
  // Whole seconds, rounded up: a client that waits that long is let through.
  return new RateLimitError(Math.max(1, Math.ceil(wait)));
}
