import { createServer } from 'node:http';
import { pino } from 'pino';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { loadOrCreateAuthSecret } from './lib/auth-secret.js';
import { createLogMailer, createSmtpMailer } from './mail/mailer.js';

/** The only place that reads the environment: config → resources → app → listen; signals. */
async function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = pino({ level: config.logLevel });

  let authSecret = config.authSecret;
  if (!authSecret && config.database.kind === 'embedded') {
    const kept = loadOrCreateAuthSecret(config.database.dataDir);
    authSecret = kept.secret;
    if (kept.created) logger.info(`Generated AUTH_SECRET, kept in ${config.database.dataDir}/auth-secret`);
  }
  const resolved = { ...config, authSecret: authSecret! };

  const database = createDatabase(config.database);
  await migrate(database);

  const mailer = config.mail.smtpUrl
    ? createSmtpMailer(config.mail.smtpUrl, config.mail.from)
    : createLogMailer(logger.child({ component: 'log-mailer' }));
  if (!config.mail.smtpUrl) logger.warn('SMTP_URL is not set: login codes are written to this log (development only).');

  const app = createApp({ config: resolved, db: database.db, mailer, logger });
  if (config.mailWorker) app.mailWorker.start();

  const server = createServer(app.yoga);
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      `otpql listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql (${database.kind} database)`,
    );
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    await new Promise((resolve) => server.close(resolve));
    await app.mailWorker.stop();
    mailer.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
