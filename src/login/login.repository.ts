import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type LimitCounts, countedSql } from '../abuse/rate-limit.js';
import type { Db } from '../db/client.js';
import { parseRow } from '../db/rows.js';
import { loginCodesTable } from '../db/schema.js';
import { OUTBOX_CHANNEL } from '../mail/mail-delivery.js';

export interface IssueInput {
  /** Id for the account if the email is new. */
  newAccountId: string;
  email: string;
  codeId: string;
  codeHash: string;
  messageId: string;
  /** The sealed mail for the outbox. */
  payload: string;
  now: Date;
  expire: Date;
  /** The rate limits this call counts against (`[]`: none, e.g. when retrying a counted call). */
  limits: LimitCounts;
}

export type IssueResult =
  | { kind: 'limited'; wait: number }
  | { kind: 'issued'; accountId: string }
  | { kind: 'blocked'; accountId: string }
  | { kind: 'conflict' }
  /**
   * Try again: a concurrent call created the same email between our snapshot and our insert, or the
   * cleanup deleted the abandoned account we found before our code's foreign-key check. `counted`:
   * this call's rate limits are counted already.
   */
  | { kind: 'raced'; counted: boolean };

const issueRow = z.object({
  wait: z.coerce.number(),
  id: z.string().nullable(),
  status: z.enum(['active', 'blocked']).nullable(),
  id_taken: z.boolean(),
});

export interface AttemptInput {
  accountId: string;
  now: Date;
  maxAttempts: number;
  limits: LimitCounts;
  /** The decoy row (0–1023) this guess writes when there is no live code (see guessDecoysTable). */
  decoySlot: number;
}

export interface Attempt {
  /** Seconds until the rate limits let this guess through; 0 when it was counted. */
  wait: number;
  /** The live code the guess is evaluated against, with its account; null when there is none. */
  code: { id: string; codeHash: string; status: 'active' | 'blocked'; email: string } | null;
}

const attemptRow = z.object({
  wait: z.coerce.number(),
  code_id: z.string().nullable(),
  code_hash: z.string().nullable(),
  status: z.enum(['active', 'blocked']).nullable(),
  email: z.string().nullable(),
});

export function createLoginRepository(db: Db) {
  return {
    /**
     * One statement, so one round trip and one atomic unit: count the rate limits, find or create the
     * account, replace its code (the unique user_id keeps one live code per account), and queue the
     * mail in the outbox. Every write waits on the limits: a refused call writes nothing. It raises no
     * error for a taken id either (ON CONFLICT DO NOTHING), so that such a call is counted too.
     */
    async issue(input: IssueInput): Promise<IssueResult> {
      const now = input.now.toISOString();
      const expire = input.expire.toISOString();
      try {
        const row = parseRow(
          await db.execute(sql`
            WITH limited AS (
              SELECT ${countedSql(input.limits, input.now)} AS wait
            ), new_account AS (
              INSERT INTO users (id, email, created_at, updated_at, accessed_at)
              SELECT ${input.newAccountId}, ${input.email}, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
              WHERE (SELECT wait FROM limited) = 0
              ON CONFLICT DO NOTHING
              RETURNING id, status
            ), account AS (
              -- Not both: when the cleanup deleted the old account while our INSERT waited on it, our
              -- snapshot still shows the old row, but the new one is the account now.
              SELECT id, status FROM new_account
              UNION ALL
              SELECT id, status FROM users WHERE email = ${input.email} AND NOT EXISTS (SELECT 1 FROM new_account)
            ), code AS (
              INSERT INTO tokens (id, user_id, secret_hash, attempts, created_at, expire)
              SELECT ${input.codeId}, id, ${input.codeHash}, 0, ${now}::timestamptz, ${expire}::timestamptz
              FROM account WHERE status = 'active' AND (SELECT wait FROM limited) = 0
              ON CONFLICT (user_id) DO UPDATE SET id = excluded.id, secret_hash = excluded.secret_hash,
                attempts = 0, created_at = excluded.created_at, expire = excluded.expire
              RETURNING id
            ), message AS (
              INSERT INTO outbox (id, token_id, recipient, payload, next_attempt_at, expire, created_at)
              SELECT ${input.messageId}, id, ${input.email}, ${input.payload}, ${now}::timestamptz, ${expire}::timestamptz, ${now}::timestamptz
              FROM code
              RETURNING id
            )
            SELECT limited.wait, account.id, account.status,
                   EXISTS (SELECT 1 FROM users WHERE id = ${input.newAccountId}) AS id_taken,
                   (SELECT pg_notify(${OUTBOX_CHANNEL}, '') FROM message) AS notified
            FROM limited LEFT JOIN account ON true`),
          issueRow,
        );
        if (row.wait > 0) return { kind: 'limited', wait: row.wait };
        if (row.id) return { kind: row.status === 'active' ? 'issued' : 'blocked', accountId: row.id };
        // No account by this email, and none was made: the id belongs to another email, or a
        // concurrent call created this email's account after our snapshot.
        return row.id_taken ? { kind: 'conflict' } : { kind: 'raced', counted: true };
      } catch (error) {
        // The cleanup deleted the account between our snapshot and the code's foreign-key check.
        // The statement rolled back, its rate-limit count included.
        if (isViolation(error, '23503', 'tokens_user_id_users_id_fk')) return { kind: 'raced', counted: false };
        throw error;
      }
    },

    /**
     * Counts a guess against the rate limits and against the account's live code, and returns that
     * code for comparison: one statement, whatever the code's state. The increment and the cap are one
     * atomic UPDATE, so concurrent guesses can never evaluate more than `maxAttempts`. A guess that
     * finds no live code writes its decoy slot instead: one row write and one commit either way, so
     * the answer's time does not tell whether there was a code.
     */
    async attempt(input: AttemptInput): Promise<Attempt> {
      const at = input.now.toISOString();
      const row = parseRow(
        await db.execute(sql`
          WITH limited AS (
            SELECT ${countedSql(input.limits, input.now)} AS wait
          ), attempt AS (
            UPDATE tokens t SET attempts = t.attempts + 1
            FROM users u
            WHERE (SELECT wait FROM limited) = 0
              AND t.user_id = ${input.accountId} AND u.id = t.user_id
              AND t.expire > ${at}::timestamptz AND t.attempts < ${input.maxAttempts}
            RETURNING t.id AS code_id, t.secret_hash AS code_hash, u.status, u.email
          ), decoy AS (
            UPDATE guess_decoys SET writes = writes + 1
            WHERE slot = ${input.decoySlot} AND (SELECT wait FROM limited) = 0 AND NOT EXISTS (SELECT 1 FROM attempt)
          )
          SELECT limited.wait, attempt.* FROM limited LEFT JOIN attempt ON true`),
        attemptRow,
      );
      const { wait, code_id, code_hash, status, email } = row;
      return { wait, code: code_id && code_hash && status && email ? { id: code_id, codeHash: code_hash, status, email } : null };
    },

    /** When the account's live code (one that can still be guessed) expires, or null: never the code. */
    async liveCodeExpiry(accountId: string, now: Date, maxAttempts: number): Promise<Date | null> {
      const [row] = await db
        .select({ expire: loginCodesTable.expire })
        .from(loginCodesTable)
        .where(and(eq(loginCodesTable.userId, accountId), gt(loginCodesTable.expire, now), lt(loginCodesTable.attempts, maxAttempts)));
      return row?.expire ?? null;
    },
  };
}

export type LoginRepository = ReturnType<typeof createLoginRepository>;

/** The SQLSTATE (23503: foreign key) on the named constraint; drizzle may wrap the driver's error in `cause`. */
function isViolation(error: unknown, sqlState: '23503', constraint: string): boolean {
  for (let e = error as Record<string, unknown> | undefined; e; e = e.cause as Record<string, unknown> | undefined) {
    if (e.code === sqlState && (e.constraint_name ?? e.constraint) === constraint) return true;
  }
  return false;
}
