import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { type DevInbox, createDevInbox } from './dev-inbox.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What the mail carries, for the development mailer (its log line, /dev/mail); never sent as such. */
  login?: { code: string; link: string | null; phrase: string | null };
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  /** Messages it sends at once (the SMTP pool's connections): the worker keeps no more in flight. */
  readonly concurrency: number;
  close(): void;
  /** The development mailer's last mails (served at /dev/mail); only outside production. */
  readonly inbox?: DevInbox;
}

/** SMTP rejections that will not change on retry (5xx): the worker gives up on them at once. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: number } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The domain of MAIL_FROM, for Message-ID: receivers score ids on a foreign domain as spam. */
function senderDomain(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
}

/**
 * Nodemailer over one pooled SMTP connection set (smtp:// or smtps://, credentials in the URL) of
 * `maxConnections` connections (SMTP_MAX_CONNECTIONS).
 */
export function createSmtpMailer(smtpUrl: string, from: string, maxConnections: number): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections,
    // nodemailer's defaults (2 min to connect, 10 min of silence) would let a hung server hold a
    // message past the worker's 30 s claim, and another worker would then send it a second time.
    connectionTimeout: 10_000,
    greetingTimeout: 8_000,
    socketTimeout: 10_000,
  });
  const domain = senderDomain(from);
  return {
    async send({ to, subject, text, html }) {
      await transport.sendMail({
        from,
        to,
        subject,
        text,
        html,
        messageId: `<${crypto.randomUUID()}@${domain}>`,
        // Transactional: tells auto-responders not to answer; no List-Unsubscribe on purpose.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    concurrency: maxConnections,
    close: () => transport.close(),
  };
}

/**
 * The mailer without SMTP_URL: nothing is sent. In development it writes each mail to the log, its
 * code (or link) as a field of its own for JSON log collectors, and keeps the last 100 for /dev/mail.
 * In production only the recipient and subject are logged: a code in a log would be a credential
 * anyone reading the log can use.
 */
export function createLogMailer(logger: Logger, { production = false, clock = () => new Date() } = {}): Mailer {
  const inbox = production ? undefined : createDevInbox();
  return {
    async send(mail) {
      if (production) {
        logger.warn({ subject: mail.subject }, 'Mail not sent: SMTP_URL is not set (its content is not logged in production)');
        return;
      }
      inbox!.add(mail, clock());
      const rule = '-'.repeat(60);
      logger.info(
        { to: mail.to, subject: mail.subject, code: mail.login?.code || undefined, link: mail.login?.link ?? undefined, phrase: mail.login?.phrase ?? undefined },
        `Mail to ${mail.to} (log mailer: set SMTP_URL to send it; also at /dev/mail)\n${rule}\nSubject: ${mail.subject}\n\n${mail.text.trimEnd()}\n${rule}`,
      );
    },
    // Writing a log line is not worth sending in parallel.
    concurrency: 1,
    close: () => {},
    inbox,
  };
}
