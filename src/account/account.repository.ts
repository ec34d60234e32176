import { and, eq, lt, or } from 'drizzle-orm';
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

    /** The account with this id or this (normalized) email: an operator names it either way. */
    async findByIdOrEmail(idOrEmail: string): Promise<Account | null> {
      const [row] = await db
        .select()
        .from(accountsTable)
        .where(or(eq(accountsTable.id, idOrEmail), eq(accountsTable.email, idOrEmail)))
        .limit(1);
      return row ? accountFromRow(row) : null;
    },

    async setStatus(accountId: string, status: Account['status'], now: Date): Promise<Account | null> {
      const [row] = await db.update(accountsTable).set({ status, updatedAt: now }).where(eq(accountsTable.id, accountId)).returning();
      return row ? accountFromRow(row) : null;
    },

    async updateName(accountId: string, name: string, now: Date): Promise<Account | null> {
      const [row] = await db.update(accountsTable).set({ name, updatedAt: now }).where(eq(accountsTable.id, accountId)).returning();
      return row ? accountFromRow(row) : null;
    },
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
