/** What a login-code mail says; sealed into the outbox and rendered by the worker at send time. */
export interface LoginCodeMail {
  to: string;
  code: string;
  phrase: string | null;
  /** Lifetime of the code in minutes, as the mail states it. */
  ttlMinutes: number;
  locale: string | null;
  clientName: string | null;
  osName: string | null;
  ip: string | null;
}
