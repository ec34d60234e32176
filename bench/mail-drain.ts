/**
 * `npm run bench:mail`: how fast one mail worker drains a backlog of queued mail (README, Mail delivery).
 *
 *   --db postgres|embedded   the worker's database (default postgres)
 *   --count 10000            mails in the backlog
 *   --runs 3                 drains measured, each on a fresh backlog; the median is the result
 *   --pool N --batch N       SMTP connections and claim size (default: SMTP_MAX_CONNECTIONS's default,
 *                            and the claim sized to it)
 *
 * This process is the worker, as `npm run worker` runs it (for `embedded`, PGlite runs in it too); the
 * SMTP sink is the load benchmark's, in its own process, so receiving mail costs the worker nothing.
 * The backlog is inserted in one statement (test/helpers/outbox-backlog.ts) before the worker starts.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import postgres from 'postgres';
import { loadConfig } from '../src/app/config.js';
import { type Database, createDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { systemClock } from '../src/lib/clock.js';
import { createMailDelivery } from '../src/mail/mail-delivery.js';
import { createSmtpMailer } from '../src/mail/mailer.js';
import { createTemplates } from '../src/mail/templates/templates.js';
import { queueBacklog } from '../test/helpers/outbox-backlog.js';
import { cpuMs, readyLine, startNode } from './lib/processes.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    count: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    batch: { type: 'string' },
    pool: { type: 'string' },
  },
});
const count = Number(args.count);
const pool = args.pool ? Number(args.pool) : loadConfig({}).mail.smtpMaxConnections;
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const authSecret = randomBytes(32).toString('base64');
const dbName = `otpql_mailbench_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });

async function openDatabase(): Promise<Database> {
  if (args.db === 'embedded') {
    const { PGlite } = await import('@electric-sql/pglite');
    return createDatabase({ kind: 'embedded', pglite: new PGlite() });
  }
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return createDatabase({ kind: 'postgres', url: url.toString() });
}

/** CPU time of the PostgreSQL backends serving the worker. */
async function postgresCpuMs(): Promise<number> {
  if (args.db === 'embedded') return 0;
  const rows = await admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${dbName}`;
  return rows.reduce((sum, r) => sum + cpuMs(r.pid), 0);
}

const sink = startNode('smtp-sink', 'bench/smtp-sink.ts', {});
const { smtpPort, httpPort } = await readyLine<{ smtpPort: number; httpPort: number }>(sink);
const received = async () => ((await (await fetch(`http://127.0.0.1:${httpPort}/stats`)).json()) as { received: number }).received;
const database = await openDatabase();
await migrate(database);
const templates = await createTemplates({ appName: 'Acme' });
const results: { mailsPerS: number; workerCpuMsPerMail: number; pgCpuMsPerMail: number }[] = [];

try {
  for (let run = 0; run < Number(args.runs); run++) {
    await database.db.execute(sql`TRUNCATE outbox, tokens, users CASCADE`);
    await queueBacklog(database.db, { authSecret, count, now: new Date() });
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${smtpPort}`, 'otpql <login@otpql.test>', pool);
    const { worker, counters } = createMailDelivery({
      db: database.db,
      mailer,
      templates,
      authSecret,
      clock: systemClock,
      logger: pino({ level: 'warn' }),
      tuning: args.batch ? { batchSize: Number(args.batch) } : {},
    });
    const before = await received();
    const cpu0 = process.cpuUsage();
    const pg0 = await postgresCpuMs();
    const started = performance.now();
    worker.start();
    while ((await received()) - before < count) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pg = (await postgresCpuMs()) - pg0;
    await worker.stop();
    mailer.close();
    const result = {
      mailsPerS: Math.round(count / seconds),
      workerCpuMsPerMail: (cpu.user + cpu.system) / 1000 / count,
      pgCpuMsPerMail: pg / count,
    };
    results.push(result);
    console.log(
      `run ${run + 1}: ${count} mails in ${seconds.toFixed(1)} s = ${result.mailsPerS} mails/s; ` +
        `worker CPU ${result.workerCpuMsPerMail.toFixed(2)} ms/mail, PostgreSQL CPU ${result.pgCpuMsPerMail.toFixed(2)} ms/mail (sent ${counters.sent})`,
    );
  }
  const median = (key: keyof (typeof results)[number]) => results.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
  console.log(
    `median (${args.db}, pool ${pool}, batch ${args.batch ?? pool}): ${median('mailsPerS')} mails/s, ` +
      `worker CPU ${median('workerCpuMsPerMail').toFixed(2)} ms/mail, PostgreSQL CPU ${median('pgCpuMsPerMail').toFixed(2)} ms/mail`,
  );
} finally {
  await database.close();
  if (args.db !== 'embedded') await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await sink.stop();
}
