import { createApp } from './app/create-app.js';
import { exitOnStartupFailure, onShutdownSignal } from './app/process.js';
import { startHttpServer } from './http/http-server.js';
import { createRequestHandler } from './http/request-handler.js';
import { systemClock } from './lib/clock.js';
import { startCleanup } from './maintenance/cleanup.js';
import { listenForQueuedMail } from './mail/mail-delivery.js';
import { openResources } from './app/resources.js';
import { displayHost, startMetricsPort } from './ops/metrics-server.js';

/** The only place that reads the environment: config → resources → app → listen; signals. */
async function main() {
  const { config, logger, database, mailer, templates } = await openResources(process.env);
  if (!config.rateLimits) {
    logger.warn('RATE_LIMIT=off: codes can be guessed and mail flooded without limit (benchmarks and local experiments only).');
  }

  const app = createApp({ config, db: database.db, mailer, templates, logger });
  if (config.mailWorker) app.mailWorker.start();
  // Wakes this worker for mail queued by the other instances too (PostgreSQL only).
  const listening = config.mailWorker ? await listenForQueuedMail(database, app.mailWorker.wake) : undefined;
  const cleanup = startCleanup({
    db: database.db,
    clock: systemClock,
    logger,
    intervalSeconds: config.cleanupIntervalSeconds,
    maxAttempts: config.otp.maxAttempts,
    unverifiedAccountTtlSeconds: config.unverifiedAccountTtlSeconds,
  });

  const http = await startHttpServer({
    handler: createRequestHandler({ yoga: app.yoga, logger }),
    port: config.port,
    host: config.host,
    shutdownTimeoutMs: config.shutdownTimeoutSeconds * 1000,
    logger,
  });
  const base = `http://${displayHost(config.host)}:${http.port}`;
  const metricsServer = await startMetricsPort({ ops: app.ops, metrics: config.ops.metrics, host: config.host, logger });
  // Probing from the start: the first /ready answers at once.
  await app.ops.readiness.start();
  logger.info(
    `otpql listening on ${base}/graphql (${database.kind} database)` +
      `${config.demoPage ? `, login page at ${base}/` : ''}${mailer.inbox ? `, mail at ${base}/dev/mail` : ''}`,
  );

  // HTTP first: the requests in flight may still queue mail and use the database.
  onShutdownSignal(logger, async () => {
    // /ready first, so the load balancer stops sending before the listener closes.
    app.ops.beginShutdown();
    if (config.ops.shutdownDelaySeconds > 0) {
      logger.info(`not ready: the listener closes in ${config.ops.shutdownDelaySeconds} s (SHUTDOWN_DELAY_SECONDS)`);
      await new Promise((r) => setTimeout(r, config.ops.shutdownDelaySeconds * 1000));
      logger.info('closing the listener');
    }
    await http.stop();
    cleanup.stop();
    await listening?.close();
    await app.mailWorker.stop();
    mailer.close();
    await app.ops.close();
    await metricsServer?.stop();
    await database.close();
  });
}

await main().catch(exitOnStartupFailure);
