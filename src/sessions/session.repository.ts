import { sql } from 'drizzle-orm';
import { type LimitCounts, countedSql } from '../abuse/rate-limit.js';
import { type Db, rowsOf } from '../db/client.js';

export interface NewSession {
  id: string;
  userId: string;
  secretHash: string;
  createdAt: Date;
  expire: Date;
  provider: string;
  providerUid: string;
  factors: string[];
  ip: string | null;
  clientName: string | null;
  osName: string | null;
  deviceName: string | null;
}

export interface CodeAttempt {
  /** Seconds until the rate limits let this guess through; 0 when it was counted. */
  wait: number;
  /** The live code the guess is evaluated against; null when there is none (or the guess was refused). */
  code: { tokenId: string; secretHash: string; status: 'active' | 'blocked'; email: string } | null;
}

export function createSessionRepository(db: Db) {
  return {
    /**
     * Counts the guess against the rate limits and against the user's live code, and returns that
     * code for comparison: one statement, whatever the code's state. The increment and the cap are
     * one atomic UPDATE, so concurrent guesses can never evaluate more than `maxAttempts`. A guess
     * that finds no live code writes its decoy slot instead (see guessDecoysTable): one row write
     * and one commit either way, so the answer's time does not tell whether there was a code.
     */
    async attempt(userId: string, now: Date, maxAttempts: number, limits: LimitCounts, decoySlot: number): Promise<CodeAttempt> {
      const at = now.toISOString();
      const [row] = rowsOf<{
        wait: number | string;
        token_id: string | null;
        secret_hash: string;
        status: 'active' | 'blocked';
        email: string;
      }>(
        await db.execute(sql`
          WITH limited AS (
            SELECT ${countedSql(limits, now)} AS wait
          ), attempt AS (
            UPDATE tokens t SET attempts = t.attempts + 1
            FROM users u
            WHERE (SELECT wait FROM limited) = 0
              AND t.user_id = ${userId} AND u.id = t.user_id
              AND t.expire > ${at}::timestamptz AND t.attempts < ${maxAttempts}
            RETURNING t.id AS token_id, t.secret_hash, u.status, u.email
          ), decoy AS (
            UPDATE guess_decoys SET writes = writes + 1
            WHERE slot = ${decoySlot} AND (SELECT wait FROM limited) = 0 AND NOT EXISTS (SELECT 1 FROM attempt)
          )
          SELECT limited.wait, attempt.* FROM limited LEFT JOIN attempt ON true`),
      );
      const { wait, token_id, secret_hash, status, email } = row!;
      return {
        wait: Number(wait),
        code: token_id ? { tokenId: token_id, secretHash: secret_hash, status, email } : null,
      };
    },

    /**
     * Consumes the code and opens the session in one statement: only the caller whose DELETE removed
     * the token gets a session, so of N concurrent right guesses exactly one wins. Marks the email
     * verified, past `limit` sessions (0 = unlimited) deletes the account's oldest ones, and forgives
     * the client's earlier wrong guesses on the account (`forgivenKey`, the rate limit's key).
     */
    async consumeAndCreate(tokenId: string, session: NewSession, limit: number, forgivenKey: string | null): Promise<boolean> {
      const at = session.createdAt.toISOString();
      const rows = rowsOf<{ id: string }>(
        await db.execute(sql`
          WITH consumed AS (
            DELETE FROM tokens WHERE id = ${tokenId} RETURNING user_id
          ), verified AS (
            UPDATE users SET email_verification = true, updated_at = ${at}::timestamptz, accessed_at = ${at}::timestamptz
            WHERE id IN (SELECT user_id FROM consumed) AND status = 'active'
            RETURNING id
          ), created AS (
            INSERT INTO sessions (id, user_id, secret_hash, created_at, updated_at, expire, provider, provider_uid,
                                  factors, ip, client_name, os_name, device_name)
            SELECT ${session.id}, id, ${session.secretHash}, ${at}::timestamptz, ${at}::timestamptz,
                   ${session.expire.toISOString()}::timestamptz, ${session.provider}, ${session.providerUid},
                   string_to_array(${session.factors.join(',')}, ','), ${session.ip}, ${session.clientName},
                   ${session.osName}, ${session.deviceName}
            FROM verified
            RETURNING id
          ), evicted AS (
            DELETE FROM sessions WHERE ${limit} > 0 AND id IN (
              SELECT id FROM sessions WHERE user_id IN (SELECT id FROM verified)
              ORDER BY created_at DESC, id DESC OFFSET GREATEST(${limit} - 1, 0)
            )
          ), forgiven AS (
            -- SKIP LOCKED: a concurrent guess from this client holds the key (and will wait for the
            -- code's row, which this statement holds): waiting here would deadlock. Forgiving is a
            -- courtesy, so a contended key simply stays.
            DELETE FROM rate_limits WHERE key IN (
              SELECT key FROM rate_limits WHERE key = ${forgivenKey} AND EXISTS (SELECT 1 FROM created)
              FOR UPDATE SKIP LOCKED
            )
          )
          SELECT id FROM created`),
      );
      return rows.length === 1;
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
