import { type RateLimits, rateLimitError } from '../abuse/rate-limit.js';
import { UserBlockedError, UserConflictError } from '../lib/errors.js';
import { type Clock, addSeconds } from '../lib/clock.js';
import { hmac, randomDigits, randomHex } from '../lib/crypto.js';
import { randomPhrase } from '../lib/phrase.js';
import type { SealedBox } from '../lib/sealed-box.js';
import { parseUserAgent } from '../lib/user-agent.js';
import { pickLocale } from '../mail/locale.js';
import type { LoginCodeMail } from '../mail/login-code-mail.js';
import { normalizeEmail } from './login.validation.js';
import type { EmailTokenRepository } from './login.repository.js';

export interface CreateEmailTokenInput {
  userId: string;
  email: string;
  phrase: boolean;
  /** The language asked for; null lets the request's Accept-Language decide. */
  locale: string | null;
}

export interface RequestInfo {
  ip: string | null;
  userAgent: string;
  acceptLanguage?: string | null;
}

export interface Token {
  id: string;
  userId: string;
  createdAt: Date;
  expire: Date;
  phrase: string | null;
}

export interface EmailTokenServiceDeps {
  tokens: EmailTokenRepository;
  rateLimits: RateLimits;
  sealedBox: SealedBox;
  /** The languages the templates can write. */
  locales: string[];
  clock: Clock;
  config: { authSecret: string; otp: { length: number; ttlSeconds: number } };
  /** Told when a message was queued, so the in-process worker sends it without waiting to poll. */
  onQueued: () => void;
}

export function createEmailTokenService(deps: EmailTokenServiceDeps) {
  const { tokens, sealedBox, clock, config } = deps;
  return {
    /** Finds or creates the account, replaces its code and queues the mail; does not wait for SMTP. */
    async createEmailToken(input: CreateEmailTokenInput, request: RequestInfo): Promise<Token> {
      const email = normalizeEmail(input.email);
      const code = randomDigits(config.otp.length);
      const phrase = input.phrase ? randomPhrase() : null;
      const client = parseUserAgent(request.userAgent);
      const mail: LoginCodeMail = {
        to: email,
        code,
        phrase,
        ttlMinutes: Math.ceil(config.otp.ttlSeconds / 60),
        // Chosen now, while the request's Accept-Language is at hand; the worker renders in it later.
        locale: pickLocale(input.locale, request.acceptLanguage ?? null, deps.locales),
        clientName: client.clientName,
        osName: client.osName,
        ip: request.ip,
      };
      const now = clock.now();
      const expire = addSeconds(now, config.otp.ttlSeconds);
      const tokenId = randomHex(10);
      const issue = {
        newUserId: input.userId === 'unique()' ? randomHex(10) : input.userId,
        email,
        tokenId,
        secretHash: codeHash(config.authSecret, tokenId, code),
        messageId: randomHex(10),
        payload: sealedBox.seal(mail),
        now,
        expire,
        // Counted in the statement itself: a refused call sends no mail and replaces no code.
        limits: deps.rateLimits.emailToken(email, request.ip),
      };
      let result = await tokens.issue(issue);
      // A concurrent first request for the same email won the insert (the account exists now), or the
      // cleanup took the account away: once more, without counting the call twice.
      if (result.kind === 'raced') result = await tokens.issue(result.counted ? { ...issue, limits: '[]' } : issue);
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
      return { id: tokenId, userId: result.userId, createdAt: now, expire, phrase };
    },
  };
}

export type EmailTokenService = ReturnType<typeof createEmailTokenService>;

/** The stored form of a code: keyed, and bound to its token so equal codes never hash alike. */
export function codeHash(authSecret: string, tokenId: string, code: string): string {
  return hmac(authSecret, `${tokenId}:${code}`);
}
