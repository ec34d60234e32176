import type { Clock } from '../lib/clock.js';
import { UnauthorizedError } from '../lib/errors.js';
import type { Account } from './account.model.js';
import type { AccountRepository } from './account.repository.js';

/** accessedAt is a coarse signal: refreshing it on every request would turn reads into writes. */
export const ACCESS_REFRESH_SECONDS = 60;

/**
 * The logged-in user's account. Every method takes the account of the request's session (null
 * without one): who is logged in is the sessions' business, what the account is and does is this.
 */
export function createAccountService({ accounts, clock }: { accounts: AccountRepository; clock: Clock }) {
  const require = (account: Account | null): Account => {
    if (!account) throw new UnauthorizedError();
    return account;
  };
  return {
    /** The account came with the session, in the same query: one round trip per `account`. */
    getAccount: async (account: Account | null): Promise<Account> => require(account),

    async updateName(account: Account | null, name: string): Promise<Account> {
      const updated = await accounts.updateName(require(account).id, name.trim(), clock.now());
      if (!updated) throw new UnauthorizedError();
      return updated;
    },

    /** Refreshes accessedAt at most once per ACCESS_REFRESH_SECONDS; answers the account as it now is. */
    async accessed(account: Account): Promise<Account> {
      const now = clock.now();
      if (now.getTime() - account.accessedAt.getTime() < ACCESS_REFRESH_SECONDS * 1000) return account;
      await accounts.touch(account.id, now, new Date(now.getTime() - ACCESS_REFRESH_SECONDS * 1000));
      return { ...account, accessedAt: now };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
