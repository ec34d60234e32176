import type { Logger } from 'pino';
import { type Clock, addSeconds } from '../lib/clock.js';
import { emailDomain, redactEmailAddresses } from '../lib/redact.js';
import type { SealedBox } from '../lib/sealed-box.js';
import { type SealedLoginMail, openLoginMail } from './login-mail.js';
import { type Mailer, isPermanentFailure } from './mailer.js';
import type { ClaimedMessage, OutboxRepository } from './outbox.repository.js';
import type { Templates } from './templates/templates.js';

/** Counters of the delivery pipeline, for metrics. */
export interface MailCounters {
  queued: number;
  sent: number;
  retried: number;
  failed: number;
  dropped: number;
}

export const createMailCounters = (): MailCounters => ({ queued: 0, sent: 0, retried: 0, failed: 0, dropped: 0 });

/** The worker's timing; the defaults are the production values, tests shorten them. */
export interface OutboxWorkerTuning {
  /** How long a claim lasts before another worker may retry the message (crash recovery). */
  leaseSeconds?: number;
  /** Fallback poll when no wake-up arrives (PGlite, retries falling due). */
  pollMs?: number;
  /**
   * Messages claimed at once. By default the mailer's concurrency (its SMTP connections), and never
   * more: a message waiting in nodemailer's queue behind another's timeouts could outlive its lease.
   */
  batchSize?: number;
  /** Back-off: first gap, and the cap of the gaps. */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  /** Finished messages older than this are deleted. */
  retentionSeconds?: number;
  /** How often this worker deletes them. */
  purgeIntervalSeconds?: number;
}

export interface OutboxWorkerOptions extends OutboxWorkerTuning {
  outbox: OutboxRepository;
  mailer: Mailer;
  sealedBox: SealedBox;
  templates: Templates;
  clock: Clock;
  logger: Logger;
  counters: MailCounters;
}

/**
 * Why a send failed, for the log: nodemailer's message, which carries the server's reply and never
 * the mail, with any address the server echoed (`550 5.1.1 <ada@example.com>: …`) cut to its domain,
 * redacted before it is shortened so that no cut leaves half an address behind.
 */
function reasonOf(error: unknown): string {
  return redactEmailAddresses(String((error as Error | null)?.message ?? error)).slice(0, 200);
}

/** Exponential back-off with jitter in [½, 1] of the step: 2, 4, 8 … capped. */
export function retryDelaySeconds(attempt: number, base: number, max: number, random = Math.random): number {
  const step = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return step * (0.5 + random() / 2);
}

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { outbox, mailer, sealedBox, templates, clock, logger, counters } = options;
  const leaseSeconds = options.leaseSeconds ?? 30;
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? mailer.concurrency;
  const base = options.retryBaseSeconds ?? 2;
  const max = options.retryMaxSeconds ?? 60;
  const retentionSeconds = options.retentionSeconds ?? 86_400;
  const purgeIntervalMs = (options.purgeIntervalSeconds ?? 600) * 1000;
  let lastPurge = Number.NEGATIVE_INFINITY;

  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let pendingWake = false;

  /**
   * One claimed message: sends it, or says it is not worth sending. Sent and dropped messages are
   * recorded by `deliver` for the whole batch; a failure is recorded here, with its retry or its log.
   */
  async function attempt(message: ClaimedMessage): Promise<'sent' | 'dropped' | undefined> {
    if (message.expired && message.attempts > 1) {
      // Earlier attempts failed and the code died meanwhile: a final failure, not a late send.
      await giveUp(message, message.attempts - 1, 'mail not delivered before its code expired');
      return undefined;
    }
    if (message.expired || message.replaced || !message.payload || !message.accountId) return 'dropped';
    try {
      const mail = openLoginMail(sealedBox.open<SealedLoginMail>(message.payload), message.accountId);
      await mailer.send({ ...templates.render(mail), login: { code: mail.code, link: mail.link, phrase: mail.phrase } });
      return 'sent';
    } catch (error) {
      const next = addSeconds(clock.now(), retryDelaySeconds(message.attempts, base, max));
      const reason = reasonOf(error);
      if (isPermanentFailure(error)) {
        await giveUp(message, message.attempts, 'mail rejected permanently', reason);
      } else if (next >= message.expire) {
        // The code would be dead before the next attempt: give up now rather than at that attempt.
        await giveUp(message, message.attempts, 'mail not delivered before its code expired', reason);
      } else {
        await outbox.retryAt(message.id, next);
        counters.retried++;
        logger.warn({ domain: emailDomain(message.recipient), attempts: message.attempts, reason, retryAt: next }, 'mail delivery failed, will retry');
      }
      return undefined;
    }
  }

  /**
   * Sends a claimed batch, then records its sent and its dropped messages in one statement each.
   * At-least-once still holds: a worker dying before that statement leaves sent messages queued, to
   * be sent again once their lease ends (the window is the batch's send time instead of one send's).
   * A failure recording one message's retry still lets the others' outcomes be recorded first.
   */
  async function deliver(batch: ClaimedMessage[]): Promise<void> {
    const outcomes = await Promise.allSettled(batch.map(attempt));
    const idsOf = (outcome: 'sent' | 'dropped') =>
      batch.filter((_, i) => outcomes[i]?.status === 'fulfilled' && outcomes[i].value === outcome).map((m) => m.id);
    const [sent, dropped] = [idsOf('sent'), idsOf('dropped')];
    const now = clock.now();
    await Promise.all([outbox.finish(sent, 'sent', now), outbox.finish(dropped, 'dropped', now)]);
    counters.sent += sent.length;
    counters.dropped += dropped.length;
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** A final failure: the payload is deleted, the recipient's domain (never the address or the code) logged. */
  async function giveUp(message: ClaimedMessage, attempts: number, what: string, reason?: string): Promise<void> {
    await outbox.finish([message.id], 'failed', clock.now());
    counters.failed++;
    logger.error({ domain: emailDomain(message.recipient), attempts, reason }, what);
  }

  /**
   * Retention, run by every worker: the DELETE only touches finished rows, so two instances purging
   * at once just find less to delete (the second waits on the row locks, then skips deleted rows).
   */
  async function purgeIfDue(): Promise<void> {
    const now = clock.now().getTime();
    if (now - lastPurge < purgeIntervalMs) return;
    lastPurge = now;
    const purged = await outbox.purgeFinished(addSeconds(clock.now(), -retentionSeconds));
    if (purged > 0) logger.debug({ purged }, 'deleted finished outbox rows');
  }

  /** Claims and delivers until nothing is due. */
  async function drain(): Promise<void> {
    while (running) {
      const batch = await outbox.claim(clock.now(), leaseSeconds, batchSize);
      if (batch.length === 0) return;
      await deliver(batch);
    }
  }

  async function run(): Promise<void> {
    while (running) {
      pendingWake = false;
      try {
        await drain();
        await purgeIfDue();
      } catch (error) {
        logger.error({ err: error }, 'mail worker: claiming failed');
      }
      if (!running) break;
      if (pendingWake) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    /** A message was queued: look now instead of at the next poll. */
    wake() {
      pendingWake = true;
      wakeUp?.();
    },
    /** Finishes the messages in hand, then stops claiming. */
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
