import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { createDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { guess, issueCode, login } from '../helpers/login.js';
import { type OwnPostgres, POSTGRES_BIN, startOwnPostgres } from '../helpers/own-postgres.js';
import { onPostgres } from '../helpers/database.js';
import { TEST_AUTH_SECRET, type TestApp, startTestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';

const ENV = { DATABASE_CONNECT_TIMEOUT_SECONDS: '2' };
const ACCOUNT = '{ account { __typename } }';

// With the PostgreSQL runs (TEST_DATABASE_URL): the cluster is its own, but the subject is PostgreSQL.
describe.skipIf(!POSTGRES_BIN || !onPostgres)('PostgreSQL restarted under a running server', () => {
  let pg: OwnPostgres;
  let t: TestApp;
  const ready = async () => {
    const res = await fetch(t.url.replace(/\/graphql$/, '/ready'));
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    pg = await startOwnPostgres();
    const database = await createDatabase({ kind: 'postgres', url: pg.url, timeouts: loadConfig({ AUTH_SECRET: TEST_AUTH_SECRET, ...ENV }).databaseTimeouts });
    await migrate(database);
    t = await startTestApp({
      env: ENV,
      db: { ...database, destroy: () => database.close() },
      clock: 'running',
      mailTuning: { pollMs: 100, retryBaseSeconds: 1, retryMaxSeconds: 2 },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await t?.db.destroy();
    await pg?.destroy();
  });

  it('answers masked errors quickly and /ready 503 while it is down, loses no queued mail, and recovers by itself', async () => {
    const { secret } = await login(t, 'before@example.com');
    expect((await ready()).status).toBe(200);

    // A mail the SMTP server defers: it stays queued across the outage.
    t.mail.reject(421);
    await issueCode(t, 'queued@example.com');
    await eventually('a deferred attempt', () => t.app.mailCounters.retried >= 1, 10_000);

    await pg.stop('fast');
    const started = Date.now();
    const during = await t.gql(ACCOUNT, undefined, { authorization: `Bearer ${secret}` });
    const ms = Date.now() - started;
    console.info(`PostgreSQL stopped: masked error after ${ms} ms`);
    expect(during.body.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(ms).toBeLessThan(2000 + 2000);
    const notReady = await eventually('/ready 503', async () => ((await ready()).status === 503 ? ready() : null), 5000);
    expect(notReady.body).toMatchObject({ ready: false, database: 'down' });
    const metrics = await (await fetch(t.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/^otpql_ready 0$/m);

    t.mail.reject(null);
    await pg.start();
    const back = Date.now();
    await eventually('/ready 200 again', async () => (await ready()).status === 200, 30_000);
    console.info(`PostgreSQL started again: ready after ${Date.now() - back} ms`);
    // The mail queued before the outage is delivered, once.
    const mail = await t.mail.next('queued@example.com', 30_000);
    expect(mail.code).toMatch(/^\d{6}$/);
    // The same pool serves again: the old session, and a new login.
    expect((await t.gql(ACCOUNT, undefined, { authorization: `Bearer ${secret}` })).body.data).toEqual({ account: { __typename: 'Account' } });
    // postgres.js may leave a query sent during the restart unanswered (porsager/postgres#1193): the
    // client fails it after its bound (2 × (connect + statement timeout) + 5 s = 19 s here), then all is well.
    const { userId } = await issueCode(t, 'after@example.com');
    const code = (await t.mail.next('after@example.com', 30_000)).code!;
    expect((await guess(t, userId, code)).__typename).toBe('Session');
    expect(t.mail.messages.filter((m) => m.to === 'queued@example.com')).toHaveLength(1);
  }, 120_000);
});
