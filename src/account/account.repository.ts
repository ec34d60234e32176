import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accountsTable } from '../db/schema.js';
import { type Account, accountFromRow } from './account.model.js';

export function createAccountRepository(db: Db) {
  return {
    /** Sets accessedAt, unless another request did since `olderThan`. */
    async touch(accountId: string, now: Date, olderThan: Date): Promise<void> {
      await db
        .update(accountsTable)
        .set({ accessedAt: now })
        .where(and(eq(accountsTable.id, accountId), lt(accountsTable.accessedAt, olderThan)));
    },

    async updateName(accountId: string, name: string, now: Date): Promise<Account | null> {
      const [row] = await db.update(accountsTable).set({ name, updatedAt: now }).where(eq(accountsTable.id, accountId)).returning();
      return row ? accountFromRow(row) : null;
    },
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
