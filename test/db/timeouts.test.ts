import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { createDatabase } from '../../src/db/client.js';
import { onPostgres } from '../helpers/database.js';
import { CREATE_EMAIL_TOKEN, TEST_AUTH_SECRET, type TestApp, startTestApp } from '../helpers/test-app.js';

const ACCOUNT = '{ account { __typename } }';
const timed = async <T>(work: Promise<T>) => {
  const started = Date.now();
  const result = await work;
  return { result, ms: Date.now() - started };
};

describe.skipIf(!onPostgres)('database timeouts on PostgreSQL', () => {
  const LOCK_TIMEOUT_MS = 2000;
  let t: TestApp;
  let secret: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT: 'on', DATABASE_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS) } });
    ({ secret } = await t.login('locked-out@example.com'));
  });
  afterAll(() => t.close());

  it('sets the timeouts on every pooled connection, and not on the migrations client', async () => {
    const settings = (sql: postgres.Sql) =>
      sql`select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock,
                 current_setting('idle_in_transaction_session_timeout') as idle`.then((rows) => rows[0]);
    expect(await settings(t.db.sql!)).toEqual({ statement: '5s', lock: '2s', idle: '10s' });
    const migrations = t.db.openForMigrations!();
    try {
      expect(await settings(migrations.sql!)).toEqual({ statement: '0', lock: '0', idle: '0' });
    } finally {
      await migrations.close();
    }
  });

  it('fails createEmailToken fast with a masked error, keeps { account } answering, and the pool recovers', async () => {
    // Another client (an operator's migration, an attacker with database access) holds the table.
    const locker = postgres(t.db.url!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = locker.begin(async (tx) => {
      await tx`LOCK TABLE rate_limits IN ACCESS EXCLUSIVE MODE`;
      locked();
      await released;
    });
    try {
      await isLocked;
      const sends = Array.from({ length: 16 }, (_, i) =>
        timed(t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email: `flood${i}@example.com` })),
      );
      // While they wait on the lock: an authenticated read, which never touches rate_limits.
      await new Promise((r) => setTimeout(r, 200));
      const account = await timed(t.gql(ACCOUNT, undefined, { authorization: `Bearer ${secret}` }));
      const answered = await Promise.all(sends);

      const slowest = Math.max(...answered.map((a) => a.ms));
      console.info(
        `rate_limits locked: 16 createEmailToken failed in ${Math.min(...answered.map((a) => a.ms))}–${slowest} ms; account answered in ${account.ms} ms`,
      );
      expect(account.result.body.data).toEqual({ account: { __typename: 'Account' } });
      // It waits for the first connection to free up: one lock timeout, not 40 s behind the queue.
      expect(account.ms).toBeLessThan(LOCK_TIMEOUT_MS + 1500);
      for (const { result } of answered) {
        expect(result.body.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      }
      // 16 calls on 10 connections wait in two waves of one lock timeout each, plus 2 s for a loaded
      // machine (without the timeouts they all wait for the lock, however long it is held).
      expect(slowest).toBeLessThan(2 * LOCK_TIMEOUT_MS + 2000);
    } finally {
      release();
      await holding;
      await locker.end();
    }

    // Released: the same pool serves both again.
    const token = await t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email: 'after-the-lock@example.com' });
    expect(token.body.data!.createEmailToken.__typename).toBe('Token');
    const account = await t.gql(ACCOUNT, undefined, { authorization: `Bearer ${secret}` });
    expect(account.body.data).toEqual({ account: { __typename: 'Account' } });
  }, 60_000);
});

describe('an unreachable PostgreSQL', () => {
  const CONNECT_TIMEOUT_SECONDS = 2;
  const env = { DATABASE_CONNECT_TIMEOUT_SECONDS: String(CONNECT_TIMEOUT_SECONDS) };
  // Accepts connections and never says a word: a hung server, or a firewall that swallows packets.
  let silent: Server;
  const held = new Set<Socket>();
  let closedPort: number;
  beforeAll(async () => {
    silent = createServer((socket) => held.add(socket.on('error', () => {})));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it.each([
    ['a server that accepts and never answers', () => (silent.address() as AddressInfo).port, CONNECT_TIMEOUT_SECONDS * 1000],
    ['a closed port', () => closedPort, 0],
  ])('%s: a request answers a masked error within the connect timeout', async (_, port, atLeastMs) => {
    const database = await createDatabase({
      kind: 'postgres',
      url: `postgres://otpql@127.0.0.1:${port()}/otpql`,
      timeouts: loadConfig({ AUTH_SECRET: TEST_AUTH_SECRET, ...env }).databaseTimeouts,
    });
    const t = await startTestApp({ env, db: { ...database, destroy: () => database.close() }, worker: false });
    try {
      const { result, ms } = await timed(t.gql(ACCOUNT, undefined, { authorization: 'Bearer some-session' }));
      console.info(`PostgreSQL unreachable (${_}): masked error after ${ms} ms`);
      expect(result.body.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(ms).toBeGreaterThanOrEqual(atLeastMs - 100);
      // The connect timeout plus 2 s for a loaded machine; postgres.js waits 30 s by default.
      expect(ms).toBeLessThan(CONNECT_TIMEOUT_SECONDS * 1000 + 2000);
    } finally {
      await t.close();
      await database.close();
    }
  }, 60_000);
});
