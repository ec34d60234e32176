import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Accounts (the table `users`; their id is the contract's userId). One per email address, stored trimmed and lower-cased. */
export const accountsTable = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    emailVerification: boolean('email_verification').notNull().default(false),
    status: text('status', { enum: ['active', 'blocked'] }).notNull().default('active'),
    name: text('name').notNull().default(''),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    accessedAt: timestamptz('accessed_at').notNull(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

/**
 * Live login codes (the table `tokens`; the contract calls one a Token): at most one per account,
 * the unique user_id makes a new code replace the old. Only an HMAC of the code is kept.
 */
export const loginCodesTable = pgTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => accountsTable.id, { onDelete: 'cascade' }),
    /** loginCodeHash(AUTH_SECRET, id, code). */
    codeHash: text('secret_hash').notNull(),
    /** Guesses evaluated against this code, the right one included; capped by OTP_MAX_ATTEMPTS. */
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamptz('created_at').notNull(),
    expire: timestamptz('expire').notNull(),
  },
  (t) => [uniqueIndex('tokens_user_id_key').on(t.userId), index('tokens_expire_idx').on(t.expire)],
);

/** Sessions. The session credential is kept only as its SHA-256. */
export const sessionsTable = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => accountsTable.id, { onDelete: 'cascade' }),
    credentialHash: text('secret_hash').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    expire: timestamptz('expire').notNull(),
    provider: text('provider').notNull(),
    providerUid: text('provider_uid').notNull(),
    factors: text('factors').array().notNull().default(sql`'{}'::text[]`),
    ip: text('ip'),
    clientName: text('client_name'),
    osName: text('os_name'),
    deviceName: text('device_name'),
  },
  (t) => [
    uniqueIndex('sessions_secret_hash_key').on(t.credentialHash),
    index('sessions_user_id_created_at_idx').on(t.userId, t.createdAt),
    index('sessions_expire_idx').on(t.expire),
  ],
);

/**
 * Outgoing mail, written in the same statement as the code it carries (transactional outbox).
 * `payload` is AES-256-GCM ciphertext and is cleared once the message is sent or dropped.
 */
export const outboxTable = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    /** The login code this message carries: when that row is gone or replaced, the message is dropped. */
    loginCodeId: text('token_id').notNull(),
    recipient: text('recipient').notNull(),
    payload: text('payload'),
    status: text('status', { enum: ['queued', 'sent', 'dropped', 'failed'] }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    /**
     * When a worker may next take the message. Claiming pushes it past the claim's lease, so a
     * worker that dies mid-send leaves a message that another worker takes once the lease ends.
     */
    nextAttemptAt: timestamptz('next_attempt_at').notNull(),
    /** When the code expires: the message is worthless after that. */
    expire: timestamptz('expire').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [
    // The claim scans it backwards from now: the most recently due message first.
    index('outbox_queued_idx').on(t.nextAttemptAt).where(sql`status = 'queued'`),
    index('outbox_finished_at_idx').on(t.finishedAt),
  ],
);

/**
 * Rate limits as sliding windows: one row per limit and subject (`<limit>:<keyed hash of the subject>`)
 * holding the times of its newest counted calls, at most the limit's points of them. A call is counted
 * only when fewer than `points` of them are newer than `now − window`, so no window of that length,
 * wherever it starts, ever holds more. Written only by the otpql_rate_limit() function (migration 0002).
 */
export const rateLimitsTable = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    hits: timestamptz('hits').array().notNull(),
    /** When the newest hit leaves its window: from then on the row counts nothing and may be deleted. */
    expire: timestamptz('expire').notNull(),
  },
  (t) => [index('rate_limits_expire_idx').on(t.expire)],
);

/**
 * What a guess writes when it finds no live code to count against, so that every guess costs the
 * database one row write and its answer time does not tell whether the user has a live code (a
 * guess at a live code writes the code's attempt counter). 1024 slots, picked by a keyed hash of the
 * userId: concurrent guesses at one user wait on one row, as they would on a live code's.
 */
export const guessDecoysTable = pgTable('guess_decoys', {
  slot: integer('slot').primaryKey(),
  writes: bigint('writes', { mode: 'number' }).notNull().default(0),
});

