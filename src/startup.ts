import { type Logger, pino } from 'pino';
import { ConfigError, type ResolvedConfig, loadConfig } from './config.js';
import { type Database, createDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { loadOrCreateAuthSecret } from './lib/auth-secret.js';
import { type Mailer, createLogMailer, createSmtpMailer } from './mail/mailer.js';
import { type Templates, createTemplates } from './mail/templates.js';

export interface Resources {
  config: ResolvedConfig;
  logger: Logger;
  database: Database;
  mailer: Mailer;
  templates: Templates;
}

/**
 * What the server (main.ts) and the stand-alone mail worker (mail/worker-main.ts) both need before
 * they start: the configuration, the logger, AUTH_SECRET, the templates, the migrated database and
 * the mailer. Any problem exits with status 1 and a clear message, before anything is served or sent.
 */
export async function openResources(env: Record<string, string | undefined>, role: 'server' | 'worker' = 'server'): Promise<Resources> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  // JSON lines for log collectors; readable lines (and the log mailer's mail) on a terminal.
  const logger = pino({
    level: config.logLevel,
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } } : {}),
  });
  if (role === 'worker' && config.database.kind === 'embedded') {
    // PGlite's directory belongs to the server's process: a second process would corrupt it.
    logger.fatal('npm run worker needs DATABASE_URL: the embedded database can only be used by the server itself.');
    process.exit(1);
  }

  // Before the database: a broken override must stop the process, not the first login.
  let templates;
  try {
    templates = await createTemplates({ appName: config.appName, dir: config.mail.templatesDir });
  } catch (error) {
    logger.fatal(`MAIL_TEMPLATES_DIR: ${(error as Error).message}`);
    process.exit(1);
  }

  let authSecret = config.authSecret;
  if (!authSecret && config.database.kind === 'embedded') {
    const kept = loadOrCreateAuthSecret(config.database.dataDir);
    authSecret = kept.secret;
    if (kept.created) logger.info(`Generated AUTH_SECRET, kept in ${config.database.dataDir}/auth-secret`);
  }

  const database = await createDatabase(config.database);
  await migrate(database);

  const mailer = config.mail.smtpUrl
    ? createSmtpMailer(config.mail.smtpUrl, config.mail.from, config.mail.smtpMaxConnections)
    : createLogMailer(logger.child({ component: 'log-mailer' }));
  if (!config.mail.smtpUrl) logger.warn('SMTP_URL is not set: login codes are written to this log (development only).');

  return { config: { ...config, authSecret: authSecret! }, logger, database, mailer, templates };
}

/** Runs `shutdown` once, on the first SIGTERM or SIGINT, then exits with status 0. */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    await shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
