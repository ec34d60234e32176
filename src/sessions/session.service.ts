import type { Account } from '../account/account.model.js';
import type { AccountService } from '../account/account.service.js';
import type { RateLimits } from '../abuse/rate-limit.js';
import { type Clock, addSeconds } from '../lib/clock.js';
import { randomCredential, randomHex, sha256 } from '../lib/crypto.js';
import { InvalidTokenError, NotFoundError, UnauthorizedError } from '../lib/errors.js';
import type { RequestInfo } from '../lib/request-info.js';
import { parseUserAgent } from '../lib/user-agent.js';
import type { LoginService } from '../login/login.service.js';
import type { Session, SessionView } from './session.model.js';
import type { SessionRepository } from './session.repository.js';
import { SESSION_ID } from './session.validation.js';

/** Who is making a request: its session, and that session's account. */
export interface Viewer {
  sessionId: string;
  account: Account;
}

/** What deleteSession and deleteSessions answer. */
export interface DeletedSessions {
  /** The deleted session (for deleteSessions: the current one). */
  id: string;
  deleted: true;
  count: number;
  /** Whether the request's own session was among them: its credential no longer works. */
  current: boolean;
}

export interface SessionServiceDeps {
  sessions: SessionRepository;
  login: LoginService;
  account: AccountService;
  rateLimits: RateLimits;
  clock: Clock;
  config: { session: { ttlSeconds: number; limit: number } };
}

export function createSessionService(deps: SessionServiceDeps) {
  const { sessions, login, account, rateLimits, clock, config } = deps;
  const require = (viewer: Viewer | null): Viewer => {
    if (!viewer) throw new UnauthorizedError();
    return viewer;
  };
  /** "current" → the viewer's session. A malformed id cannot exist: it is not found, without a query. */
  const idOf = (viewer: Viewer, sessionId: string) => {
    if (sessionId === 'current') return viewer.sessionId;
    if (!SESSION_ID.test(sessionId)) throw new NotFoundError('Session');
    return sessionId;
  };
  const view = (viewer: Viewer, session: Session): SessionView => ({ ...session, current: session.id === viewer.sessionId, secret: null });

  return {
    /** Trades a login code for a session: the credential is in the answer, once. */
    async createSession(userId: string, code: string, request: RequestInfo): Promise<SessionView> {
      const verified = await login.verify(userId, code, request);
      const now = clock.now();
      const credential = randomCredential();
      const session: Session = {
        id: randomHex(10),
        userId,
        createdAt: now,
        updatedAt: now,
        expire: addSeconds(now, config.session.ttlSeconds),
        provider: 'email',
        providerUid: verified.email,
        factors: ['email'],
        ip: request.ip,
        ...parseUserAgent(request.userAgent),
      };
      const opened = await sessions.openWithCode({
        codeId: verified.codeId,
        session: { ...session, credentialHash: sha256(credential) },
        limit: config.session.limit,
        forgivenKey: rateLimits.forgivenByLogin(userId, request.ip),
      });
      // Another right guess consumed the code first.
      if (!opened) throw new InvalidTokenError();
      return { ...session, current: true, secret: credential };
    },

    /** The session a credential opens, or null: unknown, expired, deleted and blocked all look alike. */
    async authenticate(credential: string | null): Promise<Viewer | null> {
      if (!credential) return null;
      const found = await sessions.findByCredential(sha256(credential), clock.now());
      return found ? { sessionId: found.sessionId, account: await account.accessed(found.account) } : null;
    },

    async list(viewer: Viewer | null): Promise<{ total: number; sessions: SessionView[] }> {
      const v = require(viewer);
      const list = (await sessions.list(v.account.id, clock.now())).map((s) => view(v, s));
      return { total: list.length, sessions: list };
    },

    async get(viewer: Viewer | null, sessionId: string): Promise<SessionView> {
      const v = require(viewer);
      const session = await sessions.find(v.account.id, idOf(v, sessionId), clock.now());
      if (!session) throw new NotFoundError('Session');
      return view(v, session);
    },

    /** Deletes one session of the viewer's account ("current" logs out). */
    async delete(viewer: Viewer | null, sessionId: string): Promise<DeletedSessions> {
      const v = require(viewer);
      const id = idOf(v, sessionId);
      if (!(await sessions.delete(v.account.id, id))) throw new NotFoundError('Session');
      return { id, deleted: true, count: 1, current: id === v.sessionId };
    },

    /** Logs the account out everywhere, this device included. */
    async deleteAll(viewer: Viewer | null): Promise<DeletedSessions> {
      const v = require(viewer);
      return { id: v.sessionId, deleted: true, count: await sessions.deleteAll(v.account.id), current: true };
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
