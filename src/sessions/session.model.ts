import type { sessionsTable } from '../db/schema.js';

/** A session (a logged-in device or browser of an account), as the service and the API see it. */
export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  updatedAt: Date;
  expire: Date;
  /** How it was opened: "email". */
  provider: string;
  /** The identity at the provider: the email address. */
  providerUid: string;
  factors: string[];
  ip: string | null;
  clientName: string | null;
  osName: string | null;
  deviceName: string | null;
}

/** A session as one request sees it: whether it is that request's own, and the credential once. */
export interface SessionView extends Session {
  current: boolean;
  /** The session credential: only in createSession's answer (it is stored as its SHA-256 alone). */
  secret: string | null;
}

export type SessionRow = typeof sessionsTable.$inferSelect;

/** The one mapping from the `sessions` row to a Session: the credential's hash never leaves it. */
export function sessionFromRow(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.userId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    expire: row.expire,
    provider: row.provider,
    providerUid: row.providerUid,
    factors: row.factors,
    ip: row.ip,
    clientName: row.clientName,
    osName: row.osName,
    deviceName: row.deviceName,
  };
}
