import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { openDatabase } from '../../src/app/resources.js';
import { migrate } from '../../src/db/migrate.js';
import { type TestDatabase, createTestDatabase, onPostgres } from '../helpers/database.js';
import { codeFor, guess, issueCode, login } from '../helpers/login.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { type PgBouncer, hasPgBouncer, startPgBouncer } from '../helpers/pgbouncer.js';
import { TEST_AUTH_SECRET, type TestApp, startTestApp } from '../helpers/test-app.js';

const ACCOUNT = '{ account { __typename } }';

describe.skipIf(!onPostgres || !hasPgBouncer)('behind PgBouncer in transaction mode', () => {
  let direct: TestDatabase;
  let bouncer: PgBouncer;
  let mail: MailSink;
  const apps: TestApp[] = [];
  /** An app whose database is opened from its configuration, as main.ts does, through the pooler. */
  const start = async (env: Record<string, string>, options: Parameters<typeof startTestApp>[0] = {}) => {
    const full = { AUTH_SECRET: TEST_AUTH_SECRET, DATABASE_URL: bouncer.through(direct.url!), DATABASE_PREPARE: 'off', ...env };
    const database = await openDatabase(loadConfig(full));
    await migrate(database);
    const t = await startTestApp({ ...options, env: full, mail, db: { ...database, destroy: () => database.close() } });
    apps.push(t);
    return t;
  };
  const transactionsThroughPooler = async () => {
    const admin = postgres(`postgres://postgres@127.0.0.1:${bouncer.port}/pgbouncer`, { max: 1, onnotice: () => {}, fetch_types: false });
    try {
      const stats = await admin.unsafe('SHOW STATS').simple();
      return Number(stats.find((row) => row.database === new URL(direct.url!).pathname.slice(1))?.total_xact_count ?? 0);
    } finally {
      await admin.end();
    }
  };

  beforeAll(async () => {
    direct = await createTestDatabase();
    const target = new URL(direct.url!);
    bouncer = await startPgBouncer({ host: target.hostname, port: Number(target.port || 5432) });
    mail = await startMailSink();
  }, 60_000);
  afterAll(async () => {
    for (const t of apps) {
      await t.close();
      await t.db.destroy();
    }
    await bouncer?.stop();
    await mail?.close();
    await direct?.destroy();
  });

  it('runs the full flow with DATABASE_PREPARE=off, LISTEN on DATABASE_LISTEN_URL', async () => {
    // Two instances: the worker of B is woken by the NOTIFY of A's createEmailToken, through its
    // direct LISTEN connection (its poll is a minute, so the mail cannot come from polling).
    const a = await start({ DATABASE_LISTEN_URL: direct.url! }, { worker: false });
    const b = await start({ DATABASE_LISTEN_URL: direct.url! }, { mailTuning: { pollMs: 60_000 } });
    const before = await transactionsThroughPooler();

    const started = Date.now();
    const { userId, code } = await codeFor(a, 'pooled@example.com');
    console.info(`through PgBouncer: the mail arrived ${Date.now() - started} ms after createEmailToken`);
    const session = await guess(b, userId, code);
    expect(session.__typename).toBe('Session');
    const bearer = { authorization: `Bearer ${session.secret}` };
    expect((await a.gql(ACCOUNT, undefined, bearer)).body.data).toEqual({ account: { __typename: 'Account' } });
    expect((await b.gql('mutation { deleteSession { __typename } }', undefined, bearer)).body.data).toEqual({ deleteSession: { __typename: 'DeletedSession' } });
    expect((await a.gql(ACCOUNT, undefined, bearer)).body.data).toEqual({ account: { __typename: 'UnauthorizedError' } });
    // The statements did go through the pooler.
    expect(await transactionsThroughPooler()).toBeGreaterThan(before + 5);
  }, 60_000);

  it('delivers by polling with DATABASE_LISTEN_URL=off', async () => {
    const c = await start({ DATABASE_LISTEN_URL: 'off' }, { worker: false });
    const d = await start({ DATABASE_LISTEN_URL: 'off' }, { mailTuning: { pollMs: 200 } });
    const { userId } = await issueCode(c, 'polled@example.com');
    const received = await mail.next('polled@example.com');
    expect((await guess(d, userId, received.code!)).__typename).toBe('Session');
    await login(d, 'polled-again@example.com');
  }, 60_000);
});
