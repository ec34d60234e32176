import type { Logger } from 'pino';
import type { Database, Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { createSealedBox } from '../lib/sealed-box.js';
import type { Mailer } from './mailer.js';
import { createOutboxRepository } from './outbox.repository.js';
import { type OutboxWorkerTuning, createMailCounters, createOutboxWorker } from './outbox.worker.js';
import type { Templates } from './templates/templates.js';

/** The channel `createEmailToken`'s statement notifies when it queues a message. */
export const OUTBOX_CHANNEL = 'otpql_outbox';

export interface MailDeliveryDeps {
  db: Db;
  mailer: Mailer;
  templates: Templates;
  /** Keys the outbox encryption: the server seals with it, the worker opens with it. */
  authSecret: string;
  clock: Clock;
  logger: Logger;
  tuning?: OutboxWorkerTuning;
}

/** The outbox worker and its counters: the server builds it in createApp, `npm run worker` on its own. */
export function createMailDelivery({ db, mailer, templates, authSecret, clock, logger, tuning }: MailDeliveryDeps) {
  const sealedBox = createSealedBox(authSecret, 'outbox');
  const counters = createMailCounters();
  const worker = createOutboxWorker({
    ...tuning,
    outbox: createOutboxRepository(db),
    mailer,
    sealedBox,
    templates,
    clock,
    // An error logged whole (`err`) may be nodemailer's, whose message, response and recipient
    // fields hold the address: the worker's log keeps the domain only, whatever the root logger does.
    logger: logger.child({ component: 'mail-worker' }),
    counters,
  });
  return { worker, counters, sealedBox };
}

/**
 * PostgreSQL: LISTEN on the outbox channel so a message queued by any process wakes this worker at
 * once (the notification is delivered at commit). postgres.js keeps a dedicated connection for it and
 * re-listens after a reconnect; we wake then too, for what was queued while the connection was down.
 * PGlite has no second connection, and DATABASE_LISTEN_URL=off (a pooler, no direct connection) none
 * for LISTEN: the worker relies on the in-process wake-up and its poll.
 */
export async function listenForQueuedMail(database: Database, wake: () => void): Promise<{ close(): Promise<void> }> {
  return (await database.listen?.(OUTBOX_CHANNEL, wake)) ?? { close: async () => {} };
}
