import { sql } from 'drizzle-orm';
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
  tokenId: string;
  secretHash: string;
  status: 'active' | 'blocked';
  email: string;
}

export function createSessionRepository(db: Db) {
  return {
    /**
     * Counts one guess against the user's live code and returns it for comparison. The increment and
     * the cap are one atomic UPDATE, so concurrent guesses can never evaluate more than `maxAttempts`.
     */
    async attempt(userId: string, now: Date, maxAttempts: number): Promise<CodeAttempt | null> {
      const rows = rowsOf<{ token_id: string; secret_hash: string; status: 'active' | 'blocked'; email: string }>(
        await db.execute(sql`
          UPDATE tokens t SET attempts = t.attempts + 1
          FROM users u
          WHERE t.user_id = ${userId} AND u.id = t.user_id
            AND t.expire > ${now.toISOString()}::timestamptz AND t.attempts < ${maxAttempts}
          RETURNING t.id AS token_id, t.secret_hash, u.status, u.email`),
      );
      const row = rows[0];
      return row ? { tokenId: row.token_id, secretHash: row.secret_hash, status: row.status, email: row.email } : null;
    },

    /**
     * Consumes the code and opens the session in one statement: only the caller whose DELETE removed
     * the token gets a session, so of N concurrent right guesses exactly one wins. Marks the email
     * verified and, past `limit` sessions (0 = unlimited), deletes the account's oldest ones.
     */
    async consumeAndCreate(tokenId: string, session: NewSession, limit: number): Promise<boolean> {
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
          )
          SELECT id FROM created`),
      );
      return rows.length === 1;
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
