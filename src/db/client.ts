import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema.js';

/** One drizzle type for both drivers: repositories never see which one they run on. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  kind: 'postgres' | 'embedded';
  /** The postgres.js client (PostgreSQL only): LISTEN/NOTIFY for the mail worker. */
  sql?: postgres.Sql;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; max?: number }
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'embedded'; pglite: PGlite };

export function createDatabase(options: DatabaseOptions): Database {
  if (options.kind === 'postgres') {
    const client = postgres(options.url, {
      max: options.max ?? 10,
      onnotice: () => {},
      // timestamptz arrive as Date through drizzle's own mapping; keep postgres.js from parsing twice.
    });
    return {
      db: drizzlePostgres(client, { schema }) as unknown as Db,
      kind: 'postgres',
      sql: client,
      close: () => client.end({ timeout: 5 }),
    };
  }
  let pglite: PGlite;
  if ('pglite' in options) {
    pglite = options.pglite;
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    pglite = new PGlite(`${options.dataDir}/pg`);
  }
  return {
    db: drizzlePglite(pglite, { schema }) as unknown as Db,
    kind: 'embedded',
    close: () => pglite.close(),
  };
}

/** `db.execute()` answers `{ rows }` on PGlite and an array on postgres.js. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
