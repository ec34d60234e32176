import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { type Database, createDatabase } from '../../src/db/client.js';
import { rowsOf } from '../helpers/database.js';
import { systemClock } from '../../src/lib/clock.js';
import { createMailDelivery, listenForQueuedMail } from '../../src/mail/mail-delivery.js';
import { createSmtpMailer } from '../../src/mail/mailer.js';
import { createTemplates } from '../../src/mail/templates/templates.js';
import { onPostgres } from '../helpers/database.js';
import { CREATE_EMAIL_TOKEN, TEST_AUTH_SECRET, type TestApp, startTestApp } from '../helpers/test-app.js';
import { eventually, sleep } from '../helpers/wait.js';

// Several processes sharing one database: PGlite cannot be opened twice, so PostgreSQL only.
describe.skipIf(!onPostgres)('several workers on one PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The server queues; it does not deliver (MAIL_WORKER=off).
    t = await startTestApp({ worker: false, clock: 'running', env: { MAIL_WORKER: 'off' } });
  });
  afterAll(() => t.close());

  const statuses = async () =>
    rowsOf<{ status: string; n: number }>(await t.db.db.execute(sql`SELECT status, count(*)::int AS n FROM outbox GROUP BY status`));

  async function queue(emails: string[]) {
    for (let i = 0; i < emails.length; i += 20) {
      await Promise.all(
        emails.slice(i, i + 20).map(async (email) => {
          const res = await t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email });
          expect(res.body.data?.createEmailToken.__typename).toBe('Token');
        }),
      );
    }
  }

  /** A worker as another process would run it: its own connections, its own SMTP pool. */
  async function worker() {
    const database: Database = await createDatabase({ kind: 'postgres', url: t.db.url!, max: 4 });
    const mailer = createSmtpMailer(t.mail.url, 'otpql <login@otpql.test>', loadConfig({}).mail.smtpMaxConnections);
    const delivery = createMailDelivery({
      db: database.db,
      mailer,
      templates: await createTemplates({ appName: 'Acme' }),
      authSecret: TEST_AUTH_SECRET,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      tuning: { pollMs: 1000 },
    });
    return {
      ...delivery,
      async start() {
        delivery.worker.start();
        const listening = await listenForQueuedMail(database, delivery.worker.wake);
        return async () => {
          await listening.close();
          await delivery.worker.stop();
          mailer.close();
          await database.close();
        };
      },
    };
  }

  it('deliver 200 queued messages exactly once between them', async () => {
    const emails = Array.from({ length: 200 }, (_, i) => `pair${i}@example.com`);
    await queue(emails);
    expect(await statuses()).toEqual([{ status: 'queued', n: 200 }]);

    const [a, b] = [await worker(), await worker()];
    const started = Date.now();
    const stops = await Promise.all([a.start(), b.start()]);
    try {
      await eventually('200 mails', () => t.mail.messages.length >= 200, 20_000);
      const elapsed = Date.now() - started;
      await sleep(500); // anything sent twice would arrive by now
      console.info(`two workers: 200 mails in ${elapsed} ms, split ${a.counters.sent} / ${b.counters.sent}`);
      expect(t.mail.messages).toHaveLength(200);
      expect(new Set(t.mail.messages.map((m) => m.to))).toEqual(new Set(emails));
      expect(a.counters.sent + b.counters.sent).toBe(200);
      expect(a.counters.sent).toBeGreaterThan(0);
      expect(b.counters.sent).toBeGreaterThan(0);
      expect(await statuses()).toEqual([{ status: 'sent', n: 200 }]);
    } finally {
      for (const stop of stops) await stop();
    }
  });

  describe('npm run worker', () => {
    let child: ChildProcess;
    let output = '';
    beforeAll(async () => {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: t.db.url,
          AUTH_SECRET: TEST_AUTH_SECRET,
          SMTP_URL: t.mail.url,
          MAIL_FROM: 'otpql <login@otpql.test>',
          APP_NAME: 'Acme',
          LOG_LEVEL: 'info',
        },
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      await eventually('the worker to start', () => output.includes('otpql mail worker running'), 20_000);
    });
    afterAll(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    it('picks up mail queued by the server within ~100 ms (LISTEN/NOTIFY, not the 1 s poll)', async () => {
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        const email = `listen${i}@example.com`;
        const started = Date.now();
        await queue([email]);
        await t.mail.next(email, 3000);
        latencies.push(Date.now() - started);
      }
      latencies.sort((x, y) => x - y);
      console.info(`stand-alone worker: request → inbox ${latencies.join(', ')} ms`);
      expect(latencies[5]!).toBeLessThan(150);
      expect(latencies.at(-1)!).toBeLessThan(1000);
    });

    it('finishes the message in hand on SIGTERM, then exits without claiming more', async () => {
      t.mail.delay(800);
      const offered = t.mail.offered;
      await queue(['sigterm@example.com']);
      await eventually('the worker to be sending', () => t.mail.offered > offered);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      t.mail.delay(null);
      expect(code).toBe(0);
      expect(t.mail.messages.some((m) => m.to === 'sigterm@example.com')).toBe(true);

      await queue(['after-exit@example.com']);
      await sleep(300);
      const [row] = rowsOf<{ status: string }>(
        await t.db.db.execute(sql`SELECT status FROM outbox WHERE recipient = 'after-exit@example.com'`),
      );
      expect(row!.status).toBe('queued');
    });
  });
});
