import { normalizeEmail } from '../../src/login/login.validation.js';
import type { ReceivedMail } from './mail-sink.js';
import type { TestApp } from './test-app.js';

/**
 * The one set of helpers for the login flow in tests: ask for a code, read it from the mail, guess,
 * log in. Every request carries an X-Forwarded-For address (fresh unless given), which counts only
 * where the app trusts the test client as a proxy (TRUST_PROXY), so that tests of the per-address
 * rate limits choose their address and the others do not share one.
 */

/** What both ways of asking for a login mail answer. */
const TOKEN_RESULT = `
      __typename
      ... on Token { id userId createdAt expire phrase }
      ... on Error { code message }
      ... on ValidationError { issues { path message } }
      ... on RateLimitError { retryAfter }
`;

export const CREATE_EMAIL_TOKEN = /* GraphQL */ `
  mutation ($userId: String!, $email: String!, $phrase: Boolean, $locale: String) {
    createEmailToken(userId: $userId, email: $email, phrase: $phrase, locale: $locale) {${TOKEN_RESULT}    }
  }`;

export const CREATE_MAGIC_URL_TOKEN = /* GraphQL */ `
  mutation ($userId: String!, $email: String!, $url: String, $phrase: Boolean, $locale: String) {
    createMagicURLToken(userId: $userId, email: $email, url: $url, phrase: $phrase, locale: $locale) {${TOKEN_RESULT}    }
  }`;

export const CREATE_SESSION = /* GraphQL */ `
  mutation ($userId: String!, $secret: String!) {
    createSession(userId: $userId, secret: $secret) {
      __typename
      ... on Session { id userId createdAt updatedAt expire provider providerUid factors ip clientName osName deviceName current secret }
      ... on Error { code message }
      ... on ValidationError { issues { path message } }
      ... on RateLimitError { retryAfter }
    }
  }`;

let nextIp = 1;
/** A fresh documentation-range address per call, so tests do not share per-IP counters. */
export const freshIp = () => `198.51.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

export interface Asking {
  /** `unique()` unless given. */
  userId?: string;
  phrase?: boolean;
  locale?: string;
  /** The client's address (X-Forwarded-For); a fresh one unless given. */
  ip?: string;
  headers?: Record<string, string>;
}

const headersOf = ({ ip, headers }: Pick<Asking, 'ip' | 'headers'>) => ({ 'x-forwarded-for': ip ?? freshIp(), ...headers });

// biome-ignore lint: a GraphQL union member, narrowed by the tests on __typename
type Answer = Record<string, any>;

/** createEmailToken's answer, whichever member of the union; an HTTP or GraphQL error fails the test. */
export async function sendCode(t: TestApp, email: string, asking: Asking = {}): Promise<Answer> {
  const { userId = 'unique()', phrase, locale } = asking;
  const res = await t.gql(CREATE_EMAIL_TOKEN, { userId, email, phrase, locale }, headersOf(asking));
  const answer = res.body.data?.createEmailToken;
  if (res.status !== 200 || !answer) throw new Error(`createEmailToken: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return answer;
}

/** A Token for `email`; anything else fails the test. The mail is not waited for. */
export async function issueCode(t: TestApp, email: string, asking: Asking = {}): Promise<Answer> {
  const token = await sendCode(t, email, asking);
  if (token.__typename !== 'Token') throw new Error(`createEmailToken: ${JSON.stringify(token)}`);
  return token;
}

/** A Token for `email`, and the code read from its mail. */
export async function codeFor(t: TestApp, email: string, asking: Asking = {}): Promise<{ userId: string; code: string; mail: ReceivedMail }> {
  const token = await issueCode(t, email, asking);
  const mail = await t.mail.next(normalizeEmail(email));
  return { userId: token.userId, code: mail.code!, mail };
}

/** createMagicURLToken's answer, whichever member of the union; an HTTP or GraphQL error fails the test. */
export async function sendLink(t: TestApp, email: string, asking: Asking & { url?: string } = {}): Promise<Answer> {
  const { userId = 'unique()', phrase, locale, url } = asking;
  const res = await t.gql(CREATE_MAGIC_URL_TOKEN, { userId, email, url, phrase, locale }, headersOf(asking));
  const answer = res.body.data?.createMagicURLToken;
  if (res.status !== 200 || !answer) throw new Error(`createMagicURLToken: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return answer;
}

/** A Token for a login link to `email`, and the link read from its mail, with the query it carries. */
export async function linkFor(t: TestApp, email: string, asking: Asking & { url?: string } = {}) {
  const token = await sendLink(t, email, asking);
  if (token.__typename !== 'Token') throw new Error(`createMagicURLToken: ${JSON.stringify(token)}`);
  const mail = await t.mail.next(normalizeEmail(email));
  const link = new URL(mail.link!);
  return { token, mail, link, userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! };
}

/** createSession's answer, whichever member of the union; an HTTP or GraphQL error fails the test. */
export async function guess(t: TestApp, userId: string, secret: string, asking: Pick<Asking, 'ip' | 'headers'> = {}): Promise<Answer> {
  const res = await t.gql(CREATE_SESSION, { userId, secret }, headersOf(asking));
  const answer = res.body.data?.createSession;
  if (res.status !== 200 || !answer) throw new Error(`createSession: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return answer;
}

/** A fresh code traded for a session: its id, credential and Set-Cookie. */
export async function login(t: TestApp, email: string, asking: Pick<Asking, 'ip' | 'headers'> = {}) {
  const { userId, code } = await codeFor(t, email);
  const res = await t.gql(CREATE_SESSION, { userId, secret: code }, headersOf(asking));
  const session = res.body.data?.createSession;
  if (session?.__typename !== 'Session') throw new Error(`createSession failed: ${JSON.stringify(res.body)}`);
  return { userId, sessionId: session.id as string, secret: session.secret as string, cookie: res.headers.get('set-cookie') ?? '' };
}

/** A code that is not `code` (same length). */
export const wrong = (code: string) => code.replace(/^./, (d) => String((Number(d) + 1) % 10));
