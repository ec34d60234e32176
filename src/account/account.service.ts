import { NotFoundError, UnauthorizedError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import { sha256 } from '../lib/crypto.js';
import type { AccountRepository, Viewer } from './account.repository.js';

/** accessedAt is a coarse signal: refreshing it on every request would turn reads into writes. */
const ACCESS_REFRESH_SECONDS = 60;

export function createAccountService({ accounts, clock }: { accounts: AccountRepository; clock: Clock }) {
  const requireViewer = (viewer: Viewer | null): Viewer => {
    if (!viewer) throw new UnauthorizedError();
    return viewer;
  };
  /** "current" → the viewer's session. A malformed id cannot exist: it is not found, without a query. */
  const resolveId = (viewer: Viewer, sessionId: string) => {
    if (sessionId === 'current') return viewer.sessionId;
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(sessionId)) throw new NotFoundError('Session');
    return sessionId;
  };
  const withCurrent = <T extends { id: string; secretHash: string }>(viewer: Viewer, session: T) => {
    const { secretHash: _, ...visible } = session;
    return { ...visible, current: session.id === viewer.sessionId, secret: null };
  };

  return {
    /** The session a credential opens, or null: unknown, expired, deleted and blocked all look alike. */
    async authenticate(credential: string | null): Promise<Viewer | null> {
      if (!credential) return null;
      const now = clock.now();
      const viewer = await accounts.findViewer(sha256(credential), now);
      if (viewer && now.getTime() - viewer.user.accessedAt.getTime() >= ACCESS_REFRESH_SECONDS * 1000) {
        await accounts.touch(viewer.user.id, now, new Date(now.getTime() - ACCESS_REFRESH_SECONDS * 1000));
        return { ...viewer, user: { ...viewer.user, accessedAt: now } };
      }
      return viewer;
    },

    /** The account row came with the viewer, in the same query (one round trip per `account`). */
    async getAccount(viewer: Viewer | null) {
      return requireViewer(viewer).user;
    },

    async updateName(viewer: Viewer | null, name: string) {
      const user = await accounts.updateName(requireViewer(viewer).user.id, name.trim(), clock.now());
      if (!user) throw new UnauthorizedError();
      return user;
    },

    async listSessions(viewer: Viewer | null) {
      const v = requireViewer(viewer);
      const sessions = (await accounts.listSessions(v.user.id, clock.now())).map((s) => withCurrent(v, s));
      return { total: sessions.length, sessions };
    },

    async getSession(viewer: Viewer | null, sessionId: string) {
      const v = requireViewer(viewer);
      const session = await accounts.findSession(v.user.id, resolveId(v, sessionId), clock.now());
      if (!session) throw new NotFoundError('Session');
      return withCurrent(v, session);
    },

    /** Deletes one session of the viewer's account ("current" logs out). */
    async deleteSession(viewer: Viewer | null, sessionId: string) {
      const v = requireViewer(viewer);
      const id = resolveId(v, sessionId);
      if (!(await accounts.deleteSession(v.user.id, id))) throw new NotFoundError('Session');
      return { id, deleted: true, count: 1, current: id === v.sessionId };
    },

    /** Logs the account out everywhere, this device included. */
    async deleteSessions(viewer: Viewer | null) {
      const v = requireViewer(viewer);
      const count = await accounts.deleteAllSessions(v.user.id);
      return { id: v.sessionId, deleted: true, count, current: true };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
