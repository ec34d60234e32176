import type { Logger } from 'pino';
import { createLogger } from '../lib/logger.js';
import { type ResolvedConfig, loadConfig } from './config.js';
import { type Database, createDatabase } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { loadOrCreateAuthSecret } from '../lib/auth-secret.js';
import { DataDirInUseError } from '../lib/data-dir-lock.js';
import { type Mailer, createLogMailer, createSmtpMailer } from '../mail/mailer.js';
import { type Templates, createTemplates } from '../mail/templates/templates.js';

export interface Resources {
  config: ResolvedConfig;
  logger: Logger;
  database: Database;
  mailer: Mailer;
  templates: Templates;
}

/** A start-up problem the operator must fix, with a message that says how (no stack needed). */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The configured database, with the request timeouts (PostgreSQL); not migrated. */
export function openDatabase(config: Pick<ResolvedConfig, 'database' | 'databaseTimeouts'>): Promise<Database> {
  return createDatabase(config.database.kind === 'postgres' ? { ...config.database, timeouts: config.databaseTimeouts } : config.database).catch(
    (error: unknown) => {
      throw error instanceof DataDirInUseError ? new StartupError(error.message) : error;
    },
  );
}

/**
 * What the server (main.ts) and the stand-alone mail worker (worker.ts) both need before
 * they start: the configuration, the logger, AUTH_SECRET, the templates, the migrated database and
 * the mailer. A problem throws (ConfigError, StartupError, or the database's own error) before
 * anything is served or sent; the entry point decides what to do with the process.
 */
export async function openResources(env: Record<string, string | undefined>, role: 'server' | 'worker' = 'server'): Promise<Resources> {
  const config = loadConfig(env);
  // JSON lines for log collectors; readable lines (and the log mailer's mail) on a terminal.
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY });
  for (const warning of config.warnings) logger.warn(warning);
  if (role === 'worker' && config.database.kind === 'embedded') {
    // PGlite's directory belongs to the server's process: a second process would corrupt it.
    throw new StartupError('npm run worker needs DATABASE_URL: the embedded database can only be used by the server itself.');
  }

  // Before the database: a broken override must stop the process, not the first login.
  let templates;
  try {
    templates = await createTemplates({ appName: config.appName, dir: config.mail.templatesDir });
  } catch (error) {
    throw new StartupError(`MAIL_TEMPLATES_DIR: ${(error as Error).message}`);
  }

  let authSecret = config.authSecret;
  if (!authSecret && config.database.kind === 'embedded') {
    const kept = loadOrCreateAuthSecret(config.database.dataDir);
    authSecret = kept.secret;
    if (kept.created) logger.info(`Generated AUTH_SECRET, kept in ${config.database.dataDir}/auth-secret`);
  }

  const database = await openDatabase(config);
  try {
    await migrate(database);
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }

  const mailer = config.mail.smtpUrl
    ? createSmtpMailer(config.mail.smtpUrl, config.mail.from, config.mail.smtpMaxConnections)
    : createLogMailer(logger.child({ component: 'log-mailer' }), { production: config.production });
  if (!config.mail.smtpUrl) {
    logger.warn(
      config.production
        ? 'SMTP_URL is not set: no mail is sent, so nobody can log in.'
        : 'SMTP_URL is not set: login codes are written to this log and shown at /dev/mail (development only).',
    );
  }

  return { config: { ...config, authSecret: authSecret! }, logger, database, mailer, templates };
}
