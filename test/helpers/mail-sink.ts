import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
  /** The login code: the first run of 6–10 digits on its own line of the text part. */
  code: string | undefined;
  /** The login link: the first http(s) URL on its own line of the text part that carries a `secret`. */
  link: string | undefined;
}

export interface MailSink {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Waits for the next mail to `to` that was not returned before. */
  next(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** Answers every message with this SMTP error code (e.g. 421 transient, 550 permanent) until cleared. */
  reject(code: number | null, options?: Rejection): void;
  /** Messages offered (DATA received, or the recipient rejected), rejected ones included. */
  readonly offered: number;
  /** Holds each message this long before answering (a slow server), until cleared. */
  delay(ms: number | null): void;
  close(): Promise<void>;
}

export interface Rejection {
  /** The reply's text for this recipient; real servers echo the address (`<ada@example.com>: …`). */
  message?: (recipient: string) => string;
  /** Refuse the recipient (RCPT TO, where servers usually echo it) instead of the message (DATA). */
  atRecipient?: boolean;
}

/** A real SMTP server on loopback receiving what nodemailer sends. */
export async function startMailSink(port = 0): Promise<MailSink> {
  const messages: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  let rejection: (Rejection & { code: number }) | null = null;
  const rejectionError = (recipient: string) =>
    Object.assign(new Error(rejection!.message?.(recipient) ?? 'rejected by test sink'), { responseCode: rejection!.code });
  let delayMs: number | null = null;
  let offered = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!rejection?.atRecipient) return callback();
      offered++;
      callback(rejectionError(address.address));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        offered++;
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs!));
        if (rejection) return callback(rejectionError(session.envelope.rcptTo[0]?.address ?? ''));
        const parsed = await simpleParser(Buffer.concat(chunks));
        const text = parsed.text ?? '';
        messages.push({
          to: (Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.value[0]?.address ?? '',
          from: parsed.from?.value[0]?.address ?? '',
          subject: parsed.subject ?? '',
          text,
          html: typeof parsed.html === 'string' ? parsed.html : '',
          headers: parsed.headers,
          code: /^\s*(\d{6,10})\s*$/m.exec(text)?.[1],
          link: /^\s*(https?:\/\/\S*[?&]secret=\S*)\s*$/m.exec(text)?.[1],
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    messages,
    async next(to, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = messages.find((m) => m.to === to && !taken.has(m));
        if (found) {
          taken.add(found);
          return found;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
    },
    reject(code, options = {}) {
      rejection = code ? { ...options, code } : null;
    },
    get offered() {
      return offered;
    },
    delay(ms) {
      delayMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
