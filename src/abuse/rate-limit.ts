import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimit, RateLimitsConfig } from '../config.js';
import type { Database, Db } from '../db/client.js';
import { rateLimitsTable } from '../db/schema.js';
import { RateLimitError } from '../errors.js';
import { createBulkhead } from '../lib/bulkhead.js';

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

/** The limiter calls the checks make, each one statement on `rate_limits`. */
type Limiter = Pick<RateLimiterDrizzle, 'points' | 'get' | 'consume' | 'reward' | 'delete'>;

interface Check {
  limiter: Limiter;
  key: string;
}

/**
 * On PostgreSQL the limiters share the request pool (10 connections), and every anonymous call
 * starts with them. With `rate_limits` locked, a flood of createEmailToken took every connection
 * and `account`, which never reads that table, waited behind them. So the limiters may hold at most
 * `slots` connections, and a call that finds none free within `maxWaitMs` (far beyond the ~1 ms a
 * statement takes) fails, masked, instead of queueing: the rest of the pool stays free. PGlite has a
 * single connection and nothing else to lock with: no cap there.
 */
export const RATE_LIMIT_STORE = { slots: 4, maxWaitMs: 1000 } as const;

/**
 * The limits of issue 3 on rate-limiter-flexible's RateLimiterDrizzle, stored in `rate_limits` so
 * every instance on the database counts together. Each limiter's consume is one atomic upsert.
 */
export function createRateLimits(db: Db, dbKind: Database['kind'], config: RateLimitsConfig): RateLimits {
  const store = dbKind === 'postgres' ? createBulkhead({ name: 'rate-limit store', ...RATE_LIMIT_STORE }) : null;
  const run = <T>(work: () => Promise<T>) => (store ? store.run(work) : work());
  // Each limiter also deletes rows expired for over an hour, every 5 minutes (an unref'd timer).
  const limiter = (name: string, limit: RateLimit): Limiter => {
    const drizzle = new RateLimiterDrizzle({
      storeClient: db,
      schema: rateLimitsTable,
      keyPrefix: name,
      points: limit.points,
      duration: limit.durationSeconds,
    });
    return {
      points: drizzle.points,
      get: (key) => run(() => drizzle.get(key)),
      consume: (key) => run(() => drizzle.consume(key)),
      reward: (key) => run(() => drizzle.reward(key)),
      delete: (key) => run(() => drizzle.delete(key)),
    };
  };
  const emailResend = limiter('email-token:email-resend', config.emailTokenResend);
  const emailHourly = limiter('email-token:email', config.emailTokenEmail);
  const emailIp = limiter('email-token:ip', config.emailTokenIp);
  const sessionUserIp = limiter('session:user-ip', config.sessionUserIp);
  const sessionIp = limiter('session:ip', config.sessionIp);
  const ipKey = (ip: string | null) => ip ?? 'unknown';
  const userIpKey = (userId: string, ip: string | null) => `${ipKey(ip)}|${userId}`;

  return {
    emailToken: (email, ip) =>
      consumeAll([
        { limiter: emailResend, key: email },
        { limiter: emailHourly, key: email },
        { limiter: emailIp, key: ipKey(ip) },
      ]),
    sessionAttempt: (userId, ip) =>
      consumeAll([
        { limiter: sessionUserIp, key: userIpKey(userId, ip) },
        { limiter: sessionIp, key: ipKey(ip) },
      ]),
    loginSucceeded: async (userId, ip) => {
      await sessionUserIp.delete(userIpKey(userId, ip));
    },
  };
}

/**
 * Takes one point from every limiter, or none. Consuming first and refunding on refusal (rather than
 * reading all, then consuming) keeps the limits exact under concurrency: each consume is an atomic
 * upsert, so N parallel calls can never all see the last free point. A refused call gives back every
 * point it took, so it costs nothing against the other limits (and a refusal does not extend a window).
 */
async function consumeAll(checks: Check[]): Promise<void> {
  // Refuse an exhausted key with reads first: a flood of refused calls then takes no row lock and
  // writes nothing, instead of queueing on the same counter row to add a point and give it back.
  const current = await Promise.all(checks.map((c) => c.limiter.get(c.key)));
  const exhausted = current.filter((r, i): r is RateLimiterRes => r !== null && r.consumedPoints >= checks[i]!.limiter.points);
  if (exhausted.length > 0) throw refusal(exhausted);

  const results = await Promise.allSettled(checks.map((c) => c.limiter.consume(c.key)));
  const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (refused.length === 0) return;
  // A refused consume counted its point too (rate-limiter-flexible increments, then compares).
  // Should a window end between consume and refund, the refund lands in the new window as one
  // spare point: a rare off-by-one in the caller's favour, never a lost limit.
  await Promise.all(
    checks.map((c, i) => (results[i]!.status === 'fulfilled' || results[i]!.reason instanceof RateLimiterRes ? c.limiter.reward(c.key) : null)),
  );
  const failure = refused.find((r) => !(r instanceof RateLimiterRes));
  if (failure) throw failure;
  throw refusal(refused as RateLimiterRes[]);
}

/** retryAfter: when the last of the refusing limits lets a call through again, in whole seconds. */
function refusal(refused: RateLimiterRes[]): RateLimitError {
  const waitMs = Math.max(...refused.map((r) => r.msBeforeNext));
  return new RateLimitError(Math.max(1, Math.ceil(waitMs / 1000)));
}
