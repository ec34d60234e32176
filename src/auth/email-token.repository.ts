import { sql } from 'drizzle-orm';
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
}

export type IssueTokenResult =
  | { kind: 'issued'; userId: string }
  | { kind: 'blocked'; userId: string }
  | { kind: 'conflict' }
  /**
   * Try again: a concurrent call created the same email between our snapshot and our insert, or the
   * cleanup deleted the abandoned account we found before our code's foreign-key check.
   */
  | { kind: 'raced' };

export function createEmailTokenRepository(db: Db) {
  return {
    /**
     * One statement, so one round trip and one atomic unit: find or create the account, replace its
     * code (the unique user_id keeps one live code per user), and queue the mail in the outbox.
     */
    async issue(input: IssueTokenInput): Promise<IssueTokenResult> {
      const now = input.now.toISOString();
      const expire = input.expire.toISOString();
      try {
        const rows = rowsOf<{ id: string; status: string }>(
          await db.execute(sql`
            WITH new_user AS (
              INSERT INTO users (id, email, created_at, updated_at, accessed_at)
              VALUES (${input.newUserId}, ${input.email}, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz)
              ON CONFLICT (email) DO NOTHING
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
              FROM account WHERE status = 'active'
              ON CONFLICT (user_id) DO UPDATE SET id = excluded.id, secret_hash = excluded.secret_hash,
                attempts = 0, created_at = excluded.created_at, expire = excluded.expire
              RETURNING id
            ), message AS (
              INSERT INTO outbox (id, token_id, recipient, payload, next_attempt_at, expire, created_at)
              SELECT ${input.messageId}, id, ${input.email}, ${input.payload}, ${now}::timestamptz, ${expire}::timestamptz, ${now}::timestamptz
              FROM token
              RETURNING id
            )
            SELECT account.id, account.status,
                   (SELECT pg_notify('otpql_outbox', '') FROM message) AS notified
            FROM account`),
        );
        const account = rows[0];
        if (!account) return { kind: 'raced' };
        return { kind: account.status === 'active' ? 'issued' : 'blocked', userId: account.id };
      } catch (error) {
        if (isViolation(error, '23505', 'users_pkey')) return { kind: 'conflict' };
        if (isViolation(error, '23503', 'tokens_user_id_users_id_fk')) return { kind: 'raced' };
        throw error;
      }
    },
  };
}

export type EmailTokenRepository = ReturnType<typeof createEmailTokenRepository>;

/** The SQLSTATE (23505 unique, 23503 foreign key) on the named constraint; drizzle may wrap the driver's error in `cause`. */
function isViolation(error: unknown, sqlState: '23505' | '23503', constraint: string): boolean {
  for (let e = error as Record<string, unknown> | undefined; e; e = e.cause as Record<string, unknown> | undefined) {
    if (e.code === sqlState && (e.constraint_name ?? e.constraint) === constraint) return true;
  }
  return false;
}
