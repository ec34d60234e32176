import type { RateLimits } from '../abuse/rate-limit.js';
import { InvalidTokenError, UserBlockedError } from '../errors.js';
import { type Clock, addSeconds } from '../lib/clock.js';
import { digestsEqual, randomCredential, randomHex, sha256 } from '../lib/crypto.js';
import { parseUserAgent } from '../lib/user-agent.js';
import type { RequestInfo } from './email-token.service.js';
import { codeHash } from './email-token.service.js';
import type { SessionRepository } from './session.repository.js';

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  updatedAt: Date;
  expire: Date;
  provider: string;
  providerUid: string;
  factors: string[];
  ip: string | null;
  clientName: string | null;
  osName: string | null;
  deviceName: string | null;
  /** The credential, present only in createSession's answer: it is stored as its SHA-256 alone. */
  secret: string | null;
}

export interface SessionServiceDeps {
  sessions: SessionRepository;
  rateLimits: RateLimits;
  clock: Clock;
  config: { authSecret: string; otp: { maxAttempts: number }; session: { ttlSeconds: number; limit: number } };
}

export function createSessionService(deps: SessionServiceDeps) {
  const { sessions, rateLimits, clock, config } = deps;
  return {
    /** Trades a live code for a session. Every way of failing looks the same to the caller. */
    async createSession(userId: string, code: string, request: RequestInfo): Promise<Session> {
      // Before the attempt counter: a refused call costs the code none of its OTP_MAX_ATTEMPTS.
      await rateLimits.sessionAttempt(userId, request.ip);
      const now = clock.now();
      const attempt = await sessions.attempt(userId, now, config.otp.maxAttempts);
      if (!attempt || !digestsEqual(codeHash(config.authSecret, attempt.tokenId, code), attempt.secretHash)) {
        throw new InvalidTokenError();
      }
      // Only someone holding the right code learns that the account is blocked.
      if (attempt.status !== 'active') throw new UserBlockedError();
      const secret = randomCredential();
      const session = {
        id: randomHex(10),
        userId,
        secretHash: sha256(secret),
        createdAt: now,
        expire: addSeconds(now, config.session.ttlSeconds),
        provider: 'email',
        providerUid: attempt.email,
        factors: ['email'],
        ip: request.ip,
        ...parseUserAgent(request.userAgent),
      };
      if (!(await sessions.consumeAndCreate(attempt.tokenId, session, config.session.limit))) {
        throw new InvalidTokenError();
      }
      await rateLimits.loginSucceeded(userId, request.ip);
      const { secretHash: _, ...visible } = session;
      return { ...visible, updatedAt: now, secret };
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
