import { and, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { parseRows } from '../db/rows.js';
import { outboxTable } from '../db/schema.js';

/** A claimed message; postgres.js and PGlite differ on numbers and timestamps, so both are coerced. */
const claimedRow = z
  .object({
    id: z.string(),
    recipient: z.string(),
    /** The sealed mail; null once finished. */
    payload: z.string().nullable(),
    /** Delivery attempts including this one. */
    attempts: z.coerce.number(),
    /** When the code expires, as epoch milliseconds: drizzle leaves timestamps as text on postgres.js. */
    expire: z.coerce.number().transform((ms) => new Date(ms)),
    /** The code has expired: the mail is worthless. */
    expired: z.boolean(),
    /** The code was used or replaced by a newer one: the mail is worthless. */
    replaced: z.boolean(),
    /** The account of the message's code (null once replaced): a link names it. */
    account_id: z.string().nullable(),
  })
  .transform(({ account_id, ...message }) => ({ ...message, accountId: account_id }));

export type ClaimedMessage = z.output<typeof claimedRow>;

export type FinishedStatus = 'sent' | 'dropped' | 'failed';

export function createOutboxRepository(db: Db) {
  return {
    /**
     * Takes up to `limit` due messages for `leaseSeconds`, the most recently due first. SKIP LOCKED
     * lets several workers claim at once without taking the same row; moving next_attempt_at past the
     * lease hides the message from other workers until then, and brings it back if this worker dies
     * before finishing it.
     *
     * Most recently due first, because a login code is worth little after a minute: behind a backlog
     * a fresh code (due when queued) goes out with the next claim instead of after everything queued
     * before it, and so does a retry or an abandoned claim as it falls due; the oldest codes, worth
     * least, wait, and one that expires meanwhile is dropped when claimed, never sent late. Not
     * ORDER BY created_at DESC: with the condition on another column than the order, PostgreSQL
     * planned a scan and sort of every due row per claim on a fresh table (PostgreSQL CPU per mail
     * 0.55 → 1.0-1.2 ms in npm run bench:mail); here the range and the order are the index's one
     * column, a backward scan that stops after `limit` rows whatever the statistics say.
     */
    async claim(now: Date, leaseSeconds: number, limit: number): Promise<ClaimedMessage[]> {
      const at = now.toISOString();
      return parseRows(
        await db.execute(sql`
          UPDATE outbox o
          SET next_attempt_at = ${at}::timestamptz + make_interval(secs => ${leaseSeconds}), attempts = o.attempts + 1
          WHERE o.id IN (
            SELECT id FROM outbox
            WHERE status = 'queued' AND next_attempt_at <= ${at}::timestamptz
            ORDER BY next_attempt_at DESC
            LIMIT ${limit}
            FOR UPDATE SKIP LOCKED
          )
          RETURNING o.id, o.recipient, o.payload, o.attempts, (extract(epoch FROM o.expire) * 1000)::float8 AS expire,
            o.expire <= ${at}::timestamptz AS expired,
            NOT EXISTS (SELECT 1 FROM tokens t WHERE t.id = o.token_id) AS replaced,
            (SELECT t.user_id FROM tokens t WHERE t.id = o.token_id) AS account_id`),
        claimedRow,
      );
    },

    /**
     * Records the outcome of several messages in one statement (a worker finishes a whole batch at
     * once: an UPDATE per message was most of its statements) and deletes their payloads.
     */
    async finish(ids: string[], status: FinishedStatus, now: Date): Promise<void> {
      if (ids.length === 0) return;
      await db
        .update(outboxTable)
        .set({ status, payload: null, finishedAt: now })
        .where(and(inArray(outboxTable.id, ids), eq(outboxTable.status, 'queued')));
    },

    async retryAt(id: string, at: Date): Promise<void> {
      await db.update(outboxTable).set({ nextAttemptAt: at }).where(eq(outboxTable.id, id));
    },

    /** Deletes finished messages older than `before`; queued ones are never touched. */
    async purgeFinished(before: Date): Promise<number> {
      const deleted = await db
        .delete(outboxTable)
        .where(and(ne(outboxTable.status, 'queued'), lt(outboxTable.finishedAt, before)))
        .returning({ id: outboxTable.id });
      return deleted.length;
    },

    /** Messages waiting to be sent (due or not), and the age in seconds of the oldest, for the metrics. */
    async queueStats(now: Date): Promise<{ depth: number; oldestSeconds: number }> {
      const [row] = await db
        .select({
          depth: sql<number>`count(*)::int`,
          oldestSeconds: sql<number>`coalesce(extract(epoch from ${now.toISOString()}::timestamptz - min(${outboxTable.createdAt})), 0)::float8`,
        })
        .from(outboxTable)
        .where(eq(outboxTable.status, 'queued'));
      return { depth: Number(row?.depth ?? 0), oldestSeconds: Math.max(0, Number(row?.oldestSeconds ?? 0)) };
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
