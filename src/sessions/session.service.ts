import { type RateLimits, rateLimitError } from '../abuse/rate-limit.js';
import { InvalidTokenError, UserBlockedError } from '../lib/errors.js';
import { type Clock, addSeconds } from '../lib/clock.js';
import { digestsEqual, keyedHash, randomCredential, randomHex, sha256 } from '../lib/crypto.js';
import { parseUserAgent } from '../lib/user-agent.js';
import type { RequestInfo } from '../login/login.service.js';
import { codeHash } from '../login/login.service.js';
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

/** Stands in for a missing code, so that the same HMAC and comparison run (and never match). */
const NO_CODE = { tokenId: '0'.repeat(20), secretHash: '0'.repeat(64) };

export function createSessionService(deps: SessionServiceDeps) {
  const { sessions, rateLimits, clock, config } = deps;
  const slotHash = keyedHash(config.authSecret, 'guess-decoy');
  /** 0–1023, stable per user, not predictable without AUTH_SECRET (no one can aim at a slot). */
  const decoySlot = (userId: string) => Number.parseInt(slotHash(userId).slice(0, 8), 16) % 1024;
  return {
    /** Trades a live code for a session. Every way of failing looks the same to the caller. */
    async createSession(userId: string, code: string, request: RequestInfo): Promise<Session> {
      const now = clock.now();
      // The rate limits are counted first, in the same statement: a refused call costs the code none
      // of its OTP_MAX_ATTEMPTS.
      const attempt = await sessions.attempt(
        userId,
        now,
        config.otp.maxAttempts,
        rateLimits.sessionAttempt(userId, request.ip),
        decoySlot(userId),
      );
      if (attempt.wait > 0) throw rateLimitError(attempt.wait);
      // The HMAC is computed and compared whether or not there is a live code, so that the answer
      // takes as long for a user with a code as for one without: timing tells nothing.
      const live = attempt.code ?? NO_CODE;
      const right = digestsEqual(codeHash(config.authSecret, live.tokenId, code), live.secretHash);
      if (!attempt.code || !right) throw new InvalidTokenError();
      const found = attempt.code;
      // Only someone holding the right code learns that the account is blocked.
      if (found.status !== 'active') throw new UserBlockedError();
      const secret = randomCredential();
      const session = {
        id: randomHex(10),
        userId,
        secretHash: sha256(secret),
        createdAt: now,
        expire: addSeconds(now, config.session.ttlSeconds),
        provider: 'email',
        providerUid: found.email,
        factors: ['email'],
        ip: request.ip,
        ...parseUserAgent(request.userAgent),
      };
      const forgiven = rateLimits.forgivenByLogin(userId, request.ip);
      if (!(await sessions.consumeAndCreate(found.tokenId, session, config.session.limit, forgiven))) {
        throw new InvalidTokenError();
      }
      const { secretHash: _, ...visible } = session;
      return { ...visible, updatedAt: now, secret };
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
