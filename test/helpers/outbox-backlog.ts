import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { createSealedBox } from '../../src/lib/sealed-box.js';
import type { SealedLoginMail } from '../../src/mail/login-mail.js';

export interface BacklogOptions {
  /** Keys the sealed payload: the worker's AUTH_SECRET. */
  authSecret: string;
  count: number;
  now: Date;
  /** Every backlog mail goes to this address. */
  recipient?: string;
  /** The backlog built up over this many seconds before `now` (oldest first, the newest at `now`). */
  spanSeconds?: number;
}

/**
 * Queues `count` login mails in one statement, as a flood would have left them: due, oldest first,
 * codes alive for 15 minutes. They share one sealed payload and one live token row, so the worker
 * neither drops them as replaced nor as expired; the account behind them is a plain unverified one.
 */
export async function queueBacklog(db: Db, options: BacklogOptions): Promise<void> {
  const { count, now } = options;
  const recipient = options.recipient ?? 'backlog@example.com';
  const spanMs = (options.spanSeconds ?? 30) * 1000;
  const mail: SealedLoginMail = { to: recipient, code: '123456', phrase: null, ttlMinutes: 15, locale: 'en', clientName: null, osName: null, ip: null };
  const payload = createSealedBox(options.authSecret, 'outbox').seal(mail);
  const at = now.toISOString();
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      INSERT INTO users (id, email, created_at, updated_at, accessed_at)
      VALUES ('backlog-user', ${recipient}, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz)`);
    await tx.execute(sql`
      INSERT INTO tokens (id, user_id, secret_hash, attempts, created_at, expire)
      VALUES ('backlog-token', 'backlog-user', 'not-a-hash', 0, ${at}::timestamptz, ${at}::timestamptz + interval '15 minutes')`);
    await tx.execute(sql`
      INSERT INTO outbox (id, token_id, recipient, payload, next_attempt_at, expire, created_at)
      SELECT 'backlog-' || i, 'backlog-token', ${recipient}, ${payload}, queued_at, queued_at + interval '15 minutes', queued_at
      FROM generate_series(1, ${count}::int) AS i,
        LATERAL (SELECT ${at}::timestamptz - make_interval(secs => (${count}::int - i) * ${spanMs / count}::float8 / 1000) AS queued_at) AS q`);
  });
}
