import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { lockDataDir } from '../lib/data-dir-lock.js';
import * as schema from './schema.js';

/** One drizzle type for both drivers: repositories never see which one they run on. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'embedded';
  /** The postgres.js client (PostgreSQL only). */
  sql?: postgres.Sql;
  /**
   * PostgreSQL: LISTEN on `channel`, calling `onNotify` for each notification and after each reconnect
   * (postgres.js listens again by itself); on the direct connection when a pooler sits in front of the
   * pool. Null when configured off (DATABASE_LISTEN_URL=off): the caller polls.
   */
  listen?(channel: string, onNotify: () => void): Promise<{ close(): Promise<void> } | null>;
  /**
   * PostgreSQL only: a second, small client on the same database with only the connect timeout, for
   * migrations, which may run long and wait for another instance's (close it after use).
   */
  openForMigrations?(): Database;
  close(): Promise<void>;
}

/**
 * Bounds on how long PostgreSQL work may wait, so a locked table, a runaway statement or an
 * unreachable server fails a request fast instead of holding a pooled connection (and every request
 * queued behind it) for minutes. Sent as startup parameters of each connection; 0 = no limit. Unset:
 * the server's (or role's) own settings, and postgres.js's 30 s connect timeout.
 */
export interface PostgresTimeouts {
  statementMs?: number;
  lockMs?: number;
  idleInTransactionMs?: number;
  /** From opening the socket to the connection being ready (TCP, TLS, authentication). */
  connectSeconds?: number;
}

export type DatabaseOptions =
  | {
      kind: 'postgres';
      url: string;
      max?: number;
      timeouts?: PostgresTimeouts;
      /**
       * Prepare each statement once per connection (default). Off behind a pooler in transaction mode
       * (PgBouncer), where consecutive statements may run on different server connections.
       */
      prepare?: boolean;
      /**
       * Where sessions work (LISTEN, the migration lock): a direct connection when `url` goes through
       * such a pooler; `false`: no LISTEN (the mail worker polls). Default: `url`.
       */
      sessionUrl?: string | false;
    }
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'embedded'; pglite: PGlite };

/**
 * Opens the database. PGlite and its drizzle driver are imported only in embedded mode: on
 * PostgreSQL they would be ~46 MB of memory for nothing (measured by `npm run bench`).
 */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') return openPostgres(options);
  // PGlite takes no timeouts: it accepts statement_timeout but never enforces it (measured: a 200 ms
  // timeout let pg_sleep(1) and a 20 s query finish), and it has no other connection to lock with.
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  let pglite: PGlite;
  let unlock = () => {};
  if ('pglite' in options) {
    pglite = options.pglite;
  } else {
    // PGlite takes no lock of its own: two processes on one directory would corrupt it.
    unlock = lockDataDir(options.dataDir);
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      pglite = new PGlite(`${options.dataDir}/pg`);
      await pglite.waitReady;
    } catch (error) {
      unlock();
      throw error;
    }
  }
  return {
    db: drizzlePglite(pglite, { schema }) as unknown as Db,
    kind: 'embedded',
    close: () => pglite.close().finally(unlock),
  };
}

function openPostgres(options: Extract<DatabaseOptions, { kind: 'postgres' }>): Database {
  const { url, max = 10, timeouts = {}, prepare = true, sessionUrl = url } = options;
  const client = postgres(url, {
    max,
    onnotice: () => {},
    // postgres.js runs this timer from the socket's connect() to the first ReadyForQuery, so it also
    // ends a server that accepts the connection and never answers.
    ...(timeouts.connectSeconds !== undefined ? { connect_timeout: timeouts.connectSeconds } : {}),
    connection: startupParameters(timeouts),
    // One statement in flight per connection. postgres.js otherwise pipelines new statements onto
    // busy connections, behind statements that may wait for a lock: with rate_limits locked, 16
    // blocked calls made an unrelated `account` read wait 14 s, queued behind them. Unpipelined, a
    // statement waits in the client's queue for the first connection that frees up.
    // (A documented option that postgres.js's type declarations leave out.)
    ...({ max_pipeline: 1 } as object),
  });
  // drizzle runs every query through `unsafe` with `prepare: false` unless it is a named prepared
  // query, and postgres.js sends an unprepared statement with parameters in two round trips
  // (Parse/Describe, then Bind/Execute) that PostgreSQL parses and plans each time. Our statements
  // are few and fixed, so each is prepared once per connection and then costs one round trip
  // (measured by `npm run bench`: 2 → 1 round trip per statement).
  const unsafe = client.unsafe.bind(client);
  const use: PoolUse = { max, inFlight: 0 };
  // postgres.js 3.4.9 can leave a query pending forever when the server closes connections while
  // starting up or shutting down (porsager/postgres#1193, measured here: a restart left queries
  // unanswered for good). PostgreSQL's own timeouts cannot end a query it never received, so a query
  // not settled within twice the time connecting and running it may take is failed here, and the
  // caller (a request, the mail worker, the readiness probe) goes on. Without a statement timeout
  // (the migrations client) there is no such bound.
  const answerBoundMs = timeouts.statementMs ? 2 * ((timeouts.connectSeconds ?? 30) * 1000 + timeouts.statementMs) + 5000 : 0;
  client.unsafe = ((query: string, args?: unknown[], options?: object) =>
    guarded(unsafe(query, args as never, { ...options, prepare }), use, answerBoundMs)) as typeof client.unsafe;
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  poolUse.set(db, use);
  return {
    db,
    kind: 'postgres',
    sql: client,
    // Two connections: the migration lock is held on one while the migrator works on the other.
    // A session-level lock needs a session: the direct connection when there is one.
    openForMigrations: () =>
      openPostgres({ kind: 'postgres', url: sessionUrl || url, max: 2, prepare, timeouts: { connectSeconds: timeouts.connectSeconds } }),
    async listen(channel, onNotify) {
      if (sessionUrl === false) return null;
      const own = sessionUrl === url ? client : postgres(sessionUrl, { max: 1, onnotice: () => {}, connect_timeout: timeouts.connectSeconds ?? 30 });
      const { unlisten } = await own.listen(channel, onNotify, onNotify);
      return {
        async close() {
          await unlisten();
          if (own !== client) await own.end({ timeout: 5 });
        },
      };
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** How busy a PostgreSQL pool is, for the metrics. */
export interface PoolUse {
  /** Connections it may open. */
  max: number;
  /** Statements sent or waiting for a connection: above `max`, the rest wait in the client's queue. */
  inFlight: number;
}

const poolUse = new WeakMap<Db, PoolUse>();

/** The pool's use (PostgreSQL), or null (PGlite: one connection, no pool). */
export function poolUseOf(db: Db): PoolUse | null {
  return poolUse.get(db) ?? null;
}

/**
 * Counts a postgres.js query while it runs, and fails it when no answer came within `boundMs`. A
 * query is lazy: it is sent on its first `then` (which drizzle calls once it has set the query's
 * mode), so both start there, not at creation.
 */
function guarded<Q extends Promise<unknown> & { cancel(): unknown }>(query: Q, use: PoolUse, boundMs: number): Q {
  const then = query.then;
  let settled: Promise<unknown> | undefined;
  query.then = function (this: Q, onFulfilled?: (value: any) => unknown, onRejected?: (reason: unknown) => unknown) {
    settled ??= new Promise((resolve, reject) => {
      use.inFlight++;
      const timer = boundMs
        ? setTimeout(() => {
            reject(new Error(`PostgreSQL did not answer within ${boundMs} ms (connection lost while it was being opened?)`));
            // Takes it out of the client's queue where it was still waiting.
            Promise.resolve(query.cancel()).catch(() => {});
          }, boundMs)
        : undefined;
      then.call(
        this,
        (value: unknown) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    }).finally(() => void use.inFlight--);
    return settled.then(onFulfilled, onRejected);
  } as Q['then'];
  return query;
}

function startupParameters(timeouts: PostgresTimeouts): Record<string, string> {
  const parameters: Record<string, string> = {};
  if (timeouts.statementMs !== undefined) parameters.statement_timeout = String(timeouts.statementMs);
  if (timeouts.lockMs !== undefined) parameters.lock_timeout = String(timeouts.lockMs);
  if (timeouts.idleInTransactionMs !== undefined) parameters.idle_in_transaction_session_timeout = String(timeouts.idleInTransactionMs);
  return parameters;
}
