import type { accountsTable } from '../db/schema.js';

/** An account, as the service and the API see it. */
export interface Account {
  id: string;
  /** Trimmed and lower-cased. */
  email: string;
  /** Proven by logging in with a code sent to it. */
  emailVerification: boolean;
  status: 'active' | 'blocked';
  name: string;
  createdAt: Date;
  updatedAt: Date;
  accessedAt: Date;
}

export type AccountRow = typeof accountsTable.$inferSelect;

/** The one mapping from the `users` row to an Account. */
export function accountFromRow(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    emailVerification: row.emailVerification,
    status: row.status,
    name: row.name,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    accessedAt: row.accessedAt,
  };
}
