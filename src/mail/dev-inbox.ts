/** A mail the development mailer did not send, as /dev/mail shows it. */
export interface DevMail {
  to: string;
  subject: string;
  /** When it was handed to the mailer, ISO-8601. */
  time: string;
  /** The code to type; null in a link mail. */
  code: string | null;
  /** The login link; null in a code mail. */
  link: string | null;
  phrase: string | null;
  text: string;
}

/** What the inbox keeps of an OutgoingMail (mailer.ts). */
interface InboxMail {
  to: string;
  subject: string;
  text: string;
  login?: { code: string; link: string | null; phrase: string | null };
}

export interface DevInbox {
  add(mail: InboxMail, time: Date): void;
  /** Newest first. */
  list(): DevMail[];
}

/** The last `size` mails in memory, for /dev/mail: development only, never with SMTP_URL. */
export function createDevInbox(size = 100): DevInbox {
  const mails: DevMail[] = [];
  return {
    add(mail, time) {
      mails.unshift({
        to: mail.to,
        subject: mail.subject,
        time: time.toISOString(),
        code: mail.login?.code || null,
        link: mail.login?.link ?? null,
        phrase: mail.login?.phrase ?? null,
        text: mail.text,
      });
      mails.length = Math.min(mails.length, size);
    },
    list: () => [...mails],
  };
}
