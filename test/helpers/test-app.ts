import type { Logger } from 'pino';
import { createLogger } from '../../src/lib/logger.js';
import { type App, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/app/config.js';
import { type HttpServer, startHttpServer } from '../../src/http/http-server.js';
import { createRequestHandler } from '../../src/http/request-handler.js';
import { createManualClock } from '../../src/lib/clock.js';
import { listenForQueuedMail } from '../../src/mail/mail-delivery.js';
import { createLogMailer, createSmtpMailer } from '../../src/mail/mailer.js';
import type { OutboxWorkerTuning } from '../../src/mail/outbox.worker.js';
import { createTemplates } from '../../src/mail/templates/templates.js';
import { type TestDatabase, createTestDatabase } from './database.js';
import { type MailSink, startMailSink } from './mail-sink.js';

export const TEST_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export interface TestApp {
  app: App;
  url: string;
  /** The HTTP server's lifecycle (close() stops it too). */
  http: HttpServer;
  db: TestDatabase;
  mail: MailSink;
  clock: ReturnType<typeof createManualClock>;
  /** POSTs a GraphQL operation as JSON. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Share a database between apps (two instances); otherwise a fresh one is made and destroyed. */
  db?: TestDatabase;
  mail?: MailSink;
  /** Start the in-process mail worker (default true). */
  worker?: boolean;
  /** `manual` (default) stands still until moved; `running` follows real time, and can still be moved forward. */
  clock?: 'manual' | 'running';
  /** Timing of the mail worker (short back-off and lease for the delivery tests). */
  mailTuning?: OutboxWorkerTuning;
  logger?: Logger;
  /** `log`: the development mailer (no SMTP_URL: log lines and /dev/mail) instead of SMTP to the sink. */
  mailer?: 'smtp' | 'log';
}

/** Real time plus an offset that `advance` and `set` move, for tests where the worker really waits. */
function createRunningClock(): ReturnType<typeof createManualClock> {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (seconds) => {
      offset += seconds * 1000;
    },
    set: (date) => {
      offset = date.getTime() - Date.now();
    },
  };
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const env = {
    AUTH_SECRET: TEST_AUTH_SECRET,
    MAIL_FROM: 'otpql <login@otpql.test>',
    APP_NAME: 'Acme',
    LOG_LEVEL: 'silent',
    // Most tests ask for many codes per email in seconds; the abuse tests turn the limits on.
    RATE_LIMIT: 'off',
    ...options.env,
  };
  // Templates first, as at start-up: a broken override fails before a database is made (and leaked).
  const early = loadConfig(env);
  const templates = await createTemplates({ appName: early.appName, dir: early.mail.templatesDir });
  const db = options.db ?? (await createTestDatabase(early.databaseTimeouts));
  const mail = options.mail ?? (await startMailSink());
  const config = loadConfig({ SMTP_URL: mail.url, ...env });
  const clock = options.clock === 'running' ? createRunningClock() : createManualClock(new Date());
  const logger = options.logger ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const mailer =
    options.mailer === 'log'
      ? createLogMailer(logger, { production: config.production, clock: () => clock.now() })
      : createSmtpMailer(config.mail.smtpUrl ?? mail.url, config.mail.from, config.mail.smtpMaxConnections);
  const app = createApp({
    config: { ...config, authSecret: config.authSecret! },
    db: db.db,
    mailer,
    templates,
    logger,
    clock,
    mailTuning: options.mailTuning,
  });
  const worker = options.worker ?? true;
  if (worker) app.mailWorker.start();
  const listening = worker ? await listenForQueuedMail(db, app.mailWorker.wake) : undefined;
  const http = await startHttpServer({
    handler: createRequestHandler({ yoga: app.yoga, logger }),
    port: 0,
    host: '127.0.0.1',
    shutdownTimeoutMs: config.shutdownTimeoutSeconds * 1000,
    logger,
  });
  const url = `http://127.0.0.1:${http.port}/graphql`;

  const gql: TestApp['gql'] = async (query, variables, headers) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: text }] };
    }
    return { status: response.status, headers: response.headers, body };
  };

  return {
    app,
    url,
    http,
    db,
    mail,
    clock,
    gql,
    async close() {
      await http.stop();
      await app.ops.close();
      await listening?.close();
      await app.mailWorker.stop();
      mailer.close();
      if (!options.mail) await mail.close();
      if (!options.db) await db.destroy();
    },
  };
}
