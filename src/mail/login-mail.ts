/**
 * What a login mail says: a code to type, or a link to click (magic URL), as the templates render it.
 */
export interface LoginMail {
  to: string;
  /** The code to type; '' in a link mail. */
  code: string;
  /** The link to click, in a link mail; null in a code mail. */
  link: string | null;
  phrase: string | null;
  /** Lifetime of the code or link in minutes, as the mail states it. */
  ttlMinutes: number;
  locale: string | null;
  clientName: string | null;
  osName: string | null;
  ip: string | null;
}

/**
 * A login mail as it is sealed into the outbox when the code is issued. A link names the account,
 * whose id the issuing statement itself decides (a known email keeps its account), so the worker
 * completes the link with the id the outbox row's code belongs to. Mails queued before links
 * existed have no `link` at all.
 */
export interface SealedLoginMail extends Omit<LoginMail, 'link'> {
  link?: { page: string; secret: string; expire: string } | null;
}

export type LoginMailKind = 'code' | 'link';

export const kindOf = (mail: LoginMail): LoginMailKind => (mail.link ? 'link' : 'code');

/** The link of a login mail: the app's page with `userId`, `secret` and `expire` added to its query, its fragment kept. */
export function loginLink(page: string, userId: string, secret: string, expire: string): string {
  const link = new URL(page);
  link.searchParams.set('userId', userId);
  link.searchParams.set('secret', secret);
  link.searchParams.set('expire', expire);
  return link.toString();
}

/** The mail to render, its link completed with the account's id. */
export function openLoginMail(sealed: SealedLoginMail, accountId: string): LoginMail {
  const { link, ...rest } = sealed;
  return { ...rest, link: link ? loginLink(link.page, accountId, link.secret, link.expire) : null };
}
