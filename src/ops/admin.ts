import type { Account } from '../account/account.model.js';
import { createAccountRepository } from '../account/account.repository.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { createLoginRepository } from '../login/login.repository.js';
import { normalizeEmail } from '../login/login.validation.js';
import type { Session } from '../sessions/session.model.js';
import { createSessionRepository } from '../sessions/session.repository.js';

/** No account has this id or email. */
export class UnknownUserError extends Error {
  constructor(readonly ref: string) {
    super(`No account with the id or email "${ref}".`);
    this.name = 'UnknownUserError';
  }
}

export interface AccountReport {
  account: Account;
  sessions: Session[];
  /** When the account's live login code expires; null without one. The code itself is never known. */
  liveCodeExpires: Date | null;
}

/**
 * What an operator does to an account from the command line (otpql users:…, sessions:revoke),
 * through the same repositories as the API. An account is named by its id or its email.
 */
export function createAdmin({ db, clock, maxAttempts }: { db: Db; clock: Clock; maxAttempts: number }) {
  const accounts = createAccountRepository(db);
  const sessions = createSessionRepository(db);
  const codes = createLoginRepository(db);

  const find = async (ref: string): Promise<Account> => {
    const account = await accounts.findByIdOrEmail(ref.includes('@') ? normalizeEmail(ref) : ref);
    if (!account) throw new UnknownUserError(ref);
    return account;
  };
  const setStatus = async (ref: string, status: Account['status']) => {
    const updated = await accounts.setStatus((await find(ref)).id, status, clock.now());
    if (!updated) throw new UnknownUserError(ref);
    return updated;
  };

  return {
    async show(ref: string): Promise<AccountReport> {
      const account = await find(ref);
      const now = clock.now();
      return { account, sessions: await sessions.list(account.id, now), liveCodeExpires: await codes.liveCodeExpiry(account.id, now, maxAttempts) };
    },

    /**
     * Blocks the account, then deletes its sessions. From the first statement on, none of its
     * credentials opens anything (a session of a blocked account is no session) and no code or login
     * is given to it; the second removes the sessions for good.
     */
    async block(ref: string): Promise<{ account: Account; sessionsDeleted: number }> {
      const account = await setStatus(ref, 'blocked');
      return { account, sessionsDeleted: await sessions.deleteAll(account.id) };
    },

    unblock: (ref: string): Promise<Account> => setStatus(ref, 'active'),

    async revokeSessions(ref: string): Promise<{ account: Account; sessionsDeleted: number }> {
      const account = await find(ref);
      return { account, sessionsDeleted: await sessions.deleteAll(account.id) };
    },
  };
}
