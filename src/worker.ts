import { systemClock } from './lib/clock.js';
import { exitOnStartupFailure, onShutdownSignal } from './app/process.js';
import { openResources } from './app/resources.js';
import { createMailDelivery, listenForQueuedMail } from './mail/mail-delivery.js';
import { displayHost, startMetricsPort } from './ops/metrics-server.js';
import { createOps } from './ops/ops.js';

/**
 * `npm run worker`: delivers queued mail without serving GraphQL, next to servers started with
 * MAIL_WORKER=off. Reads the same environment as the server.
 */
async function main() {
  const { config, logger, database, mailer, templates } = await openResources(process.env, 'worker');
  const { worker, counters } = createMailDelivery({
    db: database.db,
    mailer,
    templates,
    authSecret: config.authSecret,
    clock: systemClock,
    logger,
    tuning: { retentionSeconds: config.mail.retentionSeconds },
  });
  worker.start();
  const listening = await listenForQueuedMail(database, worker.wake);
  // METRICS=<port>: the worker's own counters, the queue and /ready on a port of its own (it has no other listener).
  const ops = createOps({ config, db: database.db, mailCounters: counters, clock: systemClock, logger, graphqlEndpoint: '/graphql' });
  const metricsServer = await startMetricsPort({ ops, metrics: config.ops.metrics, host: config.host, logger });
  logger.info('otpql mail worker running');

  onShutdownSignal(logger, async () => {
    await listening.close();
    // Finishes the messages it holds and claims no more; anything still queued waits for another worker.
    await worker.stop();
    mailer.close();
    await metricsServer?.stop();
    await ops.close();
    await database.close();
  });
}

await main().catch(exitOnStartupFailure);
