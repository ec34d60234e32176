import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema.js';

/** One drizzle type for both drivers: repositories never see which one they run on. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

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

/**
 * Opens the database. PGlite and its drizzle driver are imported only in embedded mode: on
 * PostgreSQL they would be ~46 MB of memory for nothing (measured by `npm run bench`).
 */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    const client = postgres(options.url, {
      max: options.max ?? 10,
      onnotice: () => {},
    });
    // drizzle runs every query through `unsafe` with `prepare: false` unless it is a named prepared
    // query, and postgres.js sends an unprepared statement with parameters in two round trips
    // (Parse/Describe, then Bind/Execute) that PostgreSQL parses and plans each time. Our statements
    // are few and fixed, so each is prepared once per connection and then costs one round trip
    // (measured by `npm run bench`: 2 → 1 round trip per statement).
    const unsafe = client.unsafe.bind(client);
    client.unsafe = ((query: string, args?: unknown[], options?: object) =>
      unsafe(query, args as never, { ...options, prepare: true })) as typeof client.unsafe;
    return {
      db: drizzlePostgres(client, { schema }) as unknown as Db,
      kind: 'postgres',
      sql: client,
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  let pglite: PGlite;
  if ('pglite' in options) {
    pglite = options.pglite;
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
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
