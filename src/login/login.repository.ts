import { sql } from 'drizzle-orm';
import { type LimitCounts, countedSql } from '../abuse/rate-limit.js';
import { type Db, rowsOf } from '../db/client.js';

export interface IssueTokenInput {
  /** Id for the account if the email is new. */
  newUserId: string;
  email: string;
  tokenId: string;
  secretHash: string;
  messageId: string;
  /** The sealed mail payload for the outbox. */
  payload: string;
  now: Date;
  expire: Date;
  /** The rate limits this call counts against (`[]`: none, e.g. when retrying a counted call). */
  limits: LimitCounts;
}

export type IssueTokenResult =
  | { kind: 'limited'; wait: number }
  | { kind: 'issued'; userId: string }
  | { kind: 'blocked'; userId: string }
  | { kind: 'conflict' }
  /**
   * Try again: a concurrent call created the same email between our snapshot and our insert, or the
   * cleanup deleted the abandoned account we found before our code's foreign-key check. `counted`:
   * this call's rate limits are counted already.
   */
  | { kind: 'raced'; counted: boolean };

export function createEmailTokenRepository(db: Db) {
  return {
    /**
     * One statement, so one round trip and one atomic unit: count the rate limits, find or create the
     * account, replace its code (the unique user_id keeps one live code per user), and queue the mail
     * in the outbox. Every write waits on the limits: a refused call writes nothing. It raises no
     * error for a taken id either (ON CONFLICT DO NOTHING), so that such a call is counted too.
     */
    async issue(input: IssueTokenInput): Promise<IssueTokenResult> {
      const now = input.now.toISOString();
      const expire = input.expire.toISOString();
      try {
        const [row] = rowsOf<{ wait: number | string; id: string | null; status: string | null; id_taken: boolean }>(
          await db.execute(sql`
            WITH limited AS (
              SELECT ${countedSql(input.limits, input.now)} AS wait
            ), new_user AS (
              INSERT INTO users (id, email, created_at, updated_at, accessed_at)
              SELECT ${input.newUserId}, ${input.email}, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
              WHERE (SELECT wait FROM limited) = 0
              ON CONFLICT DO NOTHING
              RETURNING id, status
            ), account AS (
              -- Not both: when the cleanup deleted the old account while our INSERT waited on it, our
              -- snapshot still shows the old row, but the new one is the account now.
              SELECT id, status FROM new_user
              UNION ALL
              SELECT id, status FROM users WHERE email = ${input.email} AND NOT EXISTS (SELECT 1 FROM new_user)
            ), token AS (
              INSERT INTO tokens (id, user_id, secret_hash, attempts, created_at, expire)
              SELECT ${input.tokenId}, id, ${input.secretHash}, 0, ${now}::timestamptz, ${expire}::timestamptz
              FROM account WHERE status = 'active' AND (SELECT wait FROM limited) = 0
              ON CONFLICT (user_id) DO UPDATE SET id = excluded.id, secret_hash = excluded.secret_hash,
                attempts = 0, created_at = excluded.created_at, expire = excluded.expire
              RETURNING id
            ), message AS (
              INSERT INTO outbox (id, token_id, recipient, payload, next_attempt_at, expire, created_at)
              SELECT ${input.messageId}, id, ${input.email}, ${input.payload}, ${now}::timestamptz, ${expire}::timestamptz, ${now}::timestamptz
              FROM token
              RETURNING id
            )
            SELECT limited.wait, account.id, account.status,
                   EXISTS (SELECT 1 FROM users WHERE id = ${input.newUserId}) AS id_taken,
                   (SELECT pg_notify('otpql_outbox', '') FROM message) AS notified
            FROM limited LEFT JOIN account ON true`),
        );
        const { wait, id, status, id_taken } = row!;
        if (Number(wait) > 0) return { kind: 'limited', wait: Number(wait) };
        if (id) return { kind: status === 'active' ? 'issued' : 'blocked', userId: id };
        // No account by this email, and none was made: the id belongs to another email, or a
        // concurrent call created this email's account after our snapshot.
        return id_taken ? { kind: 'conflict' } : { kind: 'raced', counted: true };
      } catch (error) {
        // The cleanup deleted the account between our snapshot and the code's foreign-key check.
        // The statement rolled back, its rate-limit count included.
        if (isViolation(error, '23503', 'tokens_user_id_users_id_fk')) return { kind: 'raced', counted: false };
        throw error;
      }
    },
  };
}

export type EmailTokenRepository = ReturnType<typeof createEmailTokenRepository>;

/** The SQLSTATE (23503: foreign key) on the named constraint; drizzle may wrap the driver's error in `cause`. */
function isViolation(error: unknown, sqlState: '23503', constraint: string): boolean {
  for (let e = error as Record<string, unknown> | undefined; e; e = e.cause as Record<string, unknown> | undefined) {
    if (e.code === sqlState && (e.constraint_name ?? e.constraint) === constraint) return true;
  }
  return false;
}
