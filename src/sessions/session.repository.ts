import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Account, accountFromRow } from '../account/account.model.js';
import type { Db } from '../db/client.js';
import { parseRows } from '../db/rows.js';
import { accountsTable, sessionsTable } from '../db/schema.js';
import { type Session, sessionFromRow } from './session.model.js';

/** A session to open: a Session and its credential's hash. */
export interface NewSession extends Session {
  credentialHash: string;
}

export interface OpenWithCode {
  /** The verified login code that opens the session: consumed by the same statement. */
  codeId: string;
  session: NewSession;
  /** SESSION_LIMIT: past it the account's oldest sessions are deleted (0 = unlimited). */
  limit: number;
  /** The rate-limit key of the client's earlier wrong guesses on the account, forgiven on success. */
  forgivenKey: string | null;
}

const openedRow = z.object({ id: z.string() });

export function createSessionRepository(db: Db) {
  // Every authenticated request runs it: built once, as drizzle's query builder showed up as a quarter
  // of the `account` CPU profile when it rebuilt the SQL on each request.
  const byCredential = db
    .select({ sessionId: sessionsTable.id, account: accountsTable })
    .from(sessionsTable)
    .innerJoin(accountsTable, eq(accountsTable.id, sessionsTable.userId))
    .where(
      and(
        eq(sessionsTable.credentialHash, sql.placeholder('credentialHash')),
        gt(sessionsTable.expire, sql.placeholder('now')),
        eq(accountsTable.status, 'active'),
      ),
    )
    .limit(1)
    .prepare('session_by_credential');

  return {
    /**
     * Consumes the login code and opens the session in one statement: only the caller whose DELETE
     * removed the code gets a session, so of N concurrent right guesses exactly one wins. Marks the
     * email verified, past `limit` sessions deletes the account's oldest ones, and forgives the
     * client's earlier wrong guesses on the account.
     */
    async openWithCode({ codeId, session, limit, forgivenKey }: OpenWithCode): Promise<boolean> {
      const at = session.createdAt.toISOString();
      const rows = parseRows(
        await db.execute(sql`
          WITH consumed AS (
            DELETE FROM tokens WHERE id = ${codeId} RETURNING user_id
          ), verified AS (
            UPDATE users SET email_verification = true, updated_at = ${at}::timestamptz, accessed_at = ${at}::timestamptz
            WHERE id IN (SELECT user_id FROM consumed) AND status = 'active'
            RETURNING id
          ), created AS (
            INSERT INTO sessions (id, user_id, secret_hash, created_at, updated_at, expire, provider, provider_uid,
                                  factors, ip, client_name, os_name, device_name)
            SELECT ${session.id}, id, ${session.credentialHash}, ${at}::timestamptz, ${at}::timestamptz,
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
        openedRow,
      );
      return rows.length === 1;
    },

    /**
     * The session behind a credential, with its account, in one query on the unique index of the
     * credential's SHA-256. Expired sessions and blocked accounts find nothing, like an unknown one.
     */
    async findByCredential(credentialHash: string, now: Date): Promise<{ sessionId: string; account: Account } | null> {
      const [row] = await byCredential.execute({ credentialHash, now: now.toISOString() });
      return row ? { sessionId: row.sessionId, account: accountFromRow(row.account) } : null;
    },

    /** The account's live sessions, oldest first. */
    async list(accountId: string, now: Date): Promise<Session[]> {
      const rows = await db
        .select()
        .from(sessionsTable)
        .where(and(eq(sessionsTable.userId, accountId), gt(sessionsTable.expire, now)))
        .orderBy(asc(sessionsTable.createdAt), asc(sessionsTable.id));
      return rows.map(sessionFromRow);
    },

    async find(accountId: string, sessionId: string, now: Date): Promise<Session | null> {
      const [row] = await db
        .select()
        .from(sessionsTable)
        .where(and(eq(sessionsTable.id, sessionId), eq(sessionsTable.userId, accountId), gt(sessionsTable.expire, now)))
        .limit(1);
      return row ? sessionFromRow(row) : null;
    },

    /** Deletes one session of the account; a session of another account is never touched. */
    async delete(accountId: string, sessionId: string): Promise<boolean> {
      const rows = await db
        .delete(sessionsTable)
        .where(and(eq(sessionsTable.id, sessionId), eq(sessionsTable.userId, accountId)))
        .returning({ id: sessionsTable.id });
      return rows.length === 1;
    },

    async deleteAll(accountId: string): Promise<number> {
      const rows = await db.delete(sessionsTable).where(eq(sessionsTable.userId, accountId)).returning({ id: sessionsTable.id });
      return rows.length;
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
