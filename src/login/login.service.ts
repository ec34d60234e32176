import { ZodError } from 'zod';
import { type RateLimits, rateLimitError } from '../abuse/rate-limit.js';
import { type Clock, addSeconds } from '../lib/clock.js';
import { keyedHash, randomDigits, randomHex } from '../lib/crypto.js';
import { InvalidTokenError, UrlNotAllowedError, UserBlockedError, UserConflictError } from '../lib/errors.js';
import { randomPhrase } from '../lib/phrase.js';
import type { RequestInfo } from '../lib/request-info.js';
import type { SealedBox } from '../lib/sealed-box.js';
import { parseUserAgent } from '../lib/user-agent.js';
import { pickLocale } from '../mail/locale.js';
import type { SealedLoginMail } from '../mail/login-mail.js';
import { type UrlAllowlist, allowedUrl } from './magic-url.js';
import { isRightCode, loginCodeHash } from './login-code.js';
import type { LoginRepository } from './login.repository.js';
import { normalizeEmail } from './login.validation.js';

export interface SendCodeInput {
  /** `unique()` or the id for a new account. */
  userId: string;
  email: string;
  phrase: boolean;
  /** The language asked for; null lets the request's Accept-Language decide. */
  locale: string | null;
}

/** A login code was issued (the contract's Token); the code itself is only in the mail. */
export interface IssuedCode {
  id: string;
  userId: string;
  createdAt: Date;
  expire: Date;
  phrase: string | null;
}

/** A right guess at a live code of an active account: the code may now be consumed. */
export interface VerifiedCode {
  codeId: string;
  accountId: string;
  email: string;
}

export interface LoginServiceDeps {
  codes: LoginRepository;
  rateLimits: RateLimits;
  sealedBox: SealedBox;
  /** The languages the templates can write. */
  locales: string[];
  clock: Clock;
  config: {
    authSecret: string;
    otp: { length: number; ttlSeconds: number; maxAttempts: number };
    magicUrl: { ttlSeconds: number; allowlist: UrlAllowlist; defaultUrl: string | null };
  };
  /** Told when a message was queued, so the in-process worker sends it without waiting to poll. */
  onQueued: () => void;
}

/**
 * Login codes: issued by mail, as digits to type (createEmailToken) or a link to click
 * (createMagicURLToken), and verified when the app trades one for a session (createSession).
 */
export function createLoginService(deps: LoginServiceDeps) {
  const { codes, rateLimits, sealedBox, clock, config } = deps;
  const slotHash = keyedHash(config.authSecret, 'guess-decoy');
  /** 0–1023, stable per account, not predictable without AUTH_SECRET (no one can aim at a slot). */
  const decoySlot = (accountId: string) => Number.parseInt(slotHash(accountId).slice(0, 8), 16) % 1024;

  /** Issues a login code (digits to type, or a link's secret) and queues its mail, in one statement. */
  async function issue(input: SendCodeInput, request: RequestInfo, what: { secret: string; ttlSeconds: number; link: URL | null }) {
    const email = normalizeEmail(input.email);
    const phrase = input.phrase ? randomPhrase() : null;
    const client = parseUserAgent(request.userAgent);
    const now = clock.now();
    const expire = addSeconds(now, what.ttlSeconds);
    const codeId = randomHex(10);
    const mail: SealedLoginMail = {
      to: email,
      code: what.link ? '' : what.secret,
      // The worker adds the account's id: this statement decides it (a known email keeps its account).
      link: what.link ? { page: what.link.toString(), secret: what.secret, expire: expire.toISOString() } : null,
      phrase,
      ttlMinutes: Math.ceil(what.ttlSeconds / 60),
      // Chosen now, while the request's Accept-Language is at hand; the worker renders in it later.
      locale: pickLocale(input.locale, request.acceptLanguage, deps.locales),
      clientName: client.clientName,
      osName: client.osName,
      ip: request.ip,
    };
    const attempt = {
      newAccountId: input.userId === 'unique()' ? randomHex(10) : input.userId,
      email,
      codeId,
      codeHash: loginCodeHash(config.authSecret, codeId, what.secret),
      messageId: randomHex(10),
      payload: sealedBox.seal(mail),
      now,
      expire,
      // Counted in the statement itself: a refused call sends no mail and replaces no code.
      limits: rateLimits.emailToken(email, request.ip),
    };
    let result = await codes.issue(attempt);
    // A concurrent first request for the same email won the insert (the account exists now), or the
    // cleanup took the account away: once more, without counting the call twice.
    if (result.kind === 'raced') result = await codes.issue(result.counted ? { ...attempt, limits: '[]' } : attempt);
    switch (result.kind) {
      case 'limited':
        throw rateLimitError(result.wait);
      case 'conflict':
        throw new UserConflictError();
      case 'blocked':
        throw new UserBlockedError();
      case 'raced':
        throw new Error('createEmailToken: account neither created nor found twice in a row');
    }
    deps.onQueued();
    return { id: codeId, userId: result.accountId, createdAt: now, expire, phrase };
  }

  return {
    /** Finds or creates the account, replaces its login code and queues the mail; does not wait for SMTP. */
    sendCode: (input: SendCodeInput, request: RequestInfo): Promise<IssuedCode> =>
      issue(input, request, { secret: randomDigits(config.otp.length), ttlSeconds: config.otp.ttlSeconds, link: null }),

    /**
     * The same with a link to click instead of a code to type (magic URL): the link is the app's page
     * `url` (which must be on the allowlist; else this server's own page) with the userId and a
     * 256-bit secret in its query. Opening the link consumes nothing: the app's page trades the secret
     * for a session with createSession, exactly as a typed code.
     */
    async sendLink(input: SendCodeInput & { url: string | null }, request: RequestInfo): Promise<IssuedCode> {
      const raw = input.url ?? config.magicUrl.defaultUrl;
      if (raw === null) {
        throw new ZodError([
          { code: 'custom', path: ['url'], input: undefined, message: 'is required: this server has no page of its own to link to (PUBLIC_URL)' },
        ]);
      }
      const base = allowedUrl(config.magicUrl.allowlist, raw);
      if (!base) throw new UrlNotAllowedError();
      return issue(input, request, { secret: randomHex(32), ttlSeconds: config.magicUrl.ttlSeconds, link: base });
    },

    /**
     * Counts one guess at the account's live code and checks it. Every way of failing looks the same
     * to the caller (InvalidTokenError), and takes as long; only someone holding the right code learns
     * that the account is blocked. A guess the rate limits refuse costs the code none of its attempts.
     */
    async verify(accountId: string, code: string, request: RequestInfo): Promise<VerifiedCode> {
      const attempt = await codes.attempt({
        accountId,
        now: clock.now(),
        maxAttempts: config.otp.maxAttempts,
        limits: rateLimits.sessionAttempt(accountId, request.ip),
        decoySlot: decoySlot(accountId),
      });
      if (attempt.wait > 0) throw rateLimitError(attempt.wait);
      if (!isRightCode(config.authSecret, attempt.code, code) || !attempt.code) throw new InvalidTokenError();
      if (attempt.code.status !== 'active') throw new UserBlockedError();
      return { codeId: attempt.code.id, accountId, email: attempt.code.email };
    },
  };
}

export type LoginService = ReturnType<typeof createLoginService>;
