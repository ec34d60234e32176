import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  /** Messages it sends at once (the SMTP pool's connections): the worker keeps no more in flight. */
  readonly concurrency: number;
  close(): void;
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
    async send(mail) {
      await transport.sendMail({
        from,
        ...mail,
        messageId: `<${crypto.randomUUID()}@${domain}>`,
        // Transactional: tells auto-responders not to answer; no List-Unsubscribe on purpose.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    concurrency: maxConnections,
    close: () => transport.close(),
  };
}

/** Development mailer: writes the message, code included, to the log so the flow works with no SMTP server. */
export function createLogMailer(logger: Logger): Mailer {
  return {
    async send(mail) {
      const rule = '-'.repeat(60);
      logger.info(
        { to: mail.to, subject: mail.subject },
        `Mail to ${mail.to} (log mailer: set SMTP_URL to send it)\n${rule}\nSubject: ${mail.subject}\n\n${mail.text.trimEnd()}\n${rule}`,
      );
    },
    // Writing a log line is not worth sending in parallel.
    concurrency: 1,
    close: () => {},
  };
}
