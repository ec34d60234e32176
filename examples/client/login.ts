import type { ErrorCode, MeQuery, SessionFieldsFragment } from '../gql/graphql.js';
import { issueText, sessionLabel } from '../shared/format.js';
import { LogIn, LogOut, Me, SendCode } from '../shared/operations.js';
import { type GraphQLEndpoint, assertNever, request } from '../shared/request.js';

export interface CodePrompt {
  /** The security phrase printed in the mail: the user should only type a code from a mail showing it. */
  phrase: string | null;
  /** When the code stops working (ISO-8601). */
  expire: string;
  /** 1 for the first code typed, 2 after a wrong one… */
  attempt: number;
}

export interface LoginOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  email: string;
  /** Asks the user for the code from the mail. */
  readCode(prompt: CodePrompt): Promise<string>;
  /** Where the story is told, one line at a time. */
  log(line: string): void;
  /** Codes accepted from readCode before giving up (the server kills a code after OTP_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

type Account = Extract<MeQuery['account'], { __typename: 'Account' }>;

export type LoginOutcome =
  | { ok: true; account: Account; sessions: SessionFieldsFragment[]; loggedOut: boolean }
  | { ok: false; code: ErrorCode; message: string; retryAfter?: number };

const failure = (error: { code: ErrorCode; message: string }, retryAfter?: number): LoginOutcome => ({
  ok: false,
  code: error.code,
  message: error.message,
  ...(retryAfter === undefined ? {} : { retryAfter }),
});

/**
 * The whole flow with Bearer credentials (a Node process keeps no cookies): send a code, trade it
 * for a session, read the account and its sessions, log out. Every member of every result union is
 * handled; `assertNever` makes a member added to the schema a compile error here.
 */
export async function runLogin({ url, email, readCode, log, maxAttempts = 3 }: LoginOptions): Promise<LoginOutcome> {
  const anonymous: GraphQLEndpoint = { url };

  const sent = (await request(anonymous, SendCode, { email })).createEmailToken;
  switch (sent.__typename) {
    case 'Token':
      break;
    case 'RateLimitError':
      log(`Too many codes asked for: try again in ${sent.retryAfter} s.`);
      return failure(sent, sent.retryAfter);
    case 'ValidationError':
      for (const issue of sent.issues) log(`Invalid ${issueText(issue)}`);
      return failure(sent);
    case 'UserBlockedError':
      log('This account is blocked: no code was sent.');
      return failure(sent);
    case 'UserConflictError':
      // Only for a chosen userId; this client sends unique().
      log(sent.message);
      return failure(sent);
    default:
      return assertNever(sent);
  }
  log(`A code was sent to ${email}; it works until ${sent.expire}.`);
  if (sent.phrase) log(`The mail shows the security phrase "${sent.phrase}": use its code only if the phrase is the same.`);

  let secret: string | null = null;
  for (let attempt = 1; secret === null; attempt++) {
    if (attempt > maxAttempts) {
      log('Too many wrong codes: run again for a new one.');
      return { ok: false, code: 'USER_INVALID_TOKEN', message: 'Gave up after too many wrong codes.' };
    }
    const code = (await readCode({ phrase: sent.phrase, expire: sent.expire, attempt })).replace(/\D/g, '');
    const result = (await request(anonymous, LogIn, { userId: sent.userId, secret: code })).createSession;
    switch (result.__typename) {
      case 'Session':
        if (!result.secret) throw new Error('createSession answered a Session without its secret');
        secret = result.secret;
        log(`Logged in: session ${result.id}, valid until ${result.expire}.`);
        break;
      case 'InvalidTokenError':
        log('Wrong or expired code.');
        break;
      case 'ValidationError':
        log('Type the digits of the code from the mail.');
        break;
      case 'RateLimitError':
        log(`Too many attempts: try again in ${result.retryAfter} s.`);
        return failure(result, result.retryAfter);
      case 'UserBlockedError':
        log('This account is blocked.');
        return failure(result);
      default:
        return assertNever(result);
    }
  }

  const session: GraphQLEndpoint = { url, headers: { authorization: `Bearer ${secret}` } };
  const me = await request(session, Me);
  if (me.account.__typename !== 'Account') return failure(me.account);
  if (me.sessions.__typename !== 'SessionList') return failure(me.sessions);
  const { account } = me;
  log(`Account ${account.id}: ${account.email}${account.name ? ` (${account.name})` : ''}, created ${account.createdAt}.`);
  log(`${me.sessions.total} session(s):`);
  for (const s of me.sessions.sessions) {
    log(`  ${s.current ? '*' : ' '} ${sessionLabel(s)}, since ${s.createdAt}${s.current ? ' (this one)' : ''}`);
  }

  const out = (await request(session, LogOut)).deleteSession;
  switch (out.__typename) {
    case 'DeletedSession':
      log(out.current ? 'Logged out.' : `Deleted session ${out.id}.`);
      return { ok: true, account, sessions: me.sessions.sessions, loggedOut: out.current };
    case 'UnauthorizedError':
    case 'NotFoundError':
    case 'ValidationError':
      log(`Log-out failed: ${out.message}`);
      return { ok: true, account, sessions: me.sessions.sessions, loggedOut: false };
    default:
      return assertNever(out);
  }
}
