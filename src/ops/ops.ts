import type { Plugin } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { type Db, poolUseOf } from '../db/client.js';
import { migrationsApplied } from '../db/migrate.js';
import { type TrustProxy, isListed } from '../lib/client-ip.js';
import { clientIpOf } from '../lib/request-info.js';
import type { Clock } from '../lib/clock.js';
import { createOutboxRepository } from '../mail/outbox.repository.js';
import type { MailCounters } from '../mail/outbox.worker.js';
import { createMetrics } from './metrics.js';
import type { OpsConfig } from './ops.config.js';
import { createReadiness } from './readiness.js';
import { useRequestLog } from './request-log.js';

export interface OpsDeps {
  config: {
    trustProxy: TrustProxy | null;
    ops: OpsConfig;
    database: { kind: 'postgres' | 'embedded' };
    databaseTimeouts: { connectSeconds: number };
  };
  db: Db;
  mailCounters: MailCounters;
  clock: Clock;
  logger: Logger;
  graphqlEndpoint: string;
}

/** The paths `answer` may answer on the server's own listener. */
const OPS_PATHS = new Set(['/ready', '/metrics']);

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });

/**
 * What operators watch: the request log, /ready, /metrics (Prometheus). /health is Yoga's own (200
 * while the process serves). One Yoga plugin, mounted by createApp; `answer` also serves a metrics
 * port of its own (METRICS=<port>, see metrics-server.ts).
 */
export function createOps({ config, db, mailCounters, clock, logger, graphqlEndpoint }: OpsDeps) {
  const readiness = createReadiness({
    check: () => migrationsApplied(db),
    logger: logger.child({ component: 'readiness' }),
    // A probe waits in line with the requests (PGlite's one connection, a busy pool): an instance
    // under load must not look down. PostgreSQL away answers at once (port closed) or within the
    // connect timeout.
    timeoutMs: config.database.kind === 'embedded' ? 5000 : config.databaseTimeouts.connectSeconds * 1000,
  });
  const outbox = createOutboxRepository(db);
  const metrics =
    config.ops.metrics === 'off'
      ? null
      : createMetrics({
          mailCounters,
          queueStats: () => outbox.queueStats(clock.now()),
          poolUse: poolUseOf(db),
          ready: () => readiness.state().ready,
        });

  /**
   * The answer to an operator's path, or null for any other path. `publicPort`: asked on the
   * server's own listener, where /metrics answers only when METRICS=on.
   */
  async function answer(pathname: string, ip: string | null, publicPort: boolean): Promise<Response | null> {
    if (pathname === '/ready') {
      await readiness.start();
      const state = readiness.state();
      return json(state.ready ? 200 : 503, state);
    }
    if (pathname === '/health' && !publicPort) return json(200, { status: 'up' });
    if (pathname !== '/metrics' || !metrics || (publicPort && config.ops.metrics !== 'on')) return null;
    const allow = config.ops.metricsAllow;
    if (allow && !(ip && isListed(allow, ip))) return json(403, { errors: [{ message: 'Forbidden: /metrics is not open to this address (METRICS_ALLOW).' }] });
    await readiness.start();
    return new Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' } });
  }

  const plugin: Plugin = {
    onPluginInit({ addPlugin }) {
      addPlugin(useRequestLog({ logger, graphqlEndpoint, trustProxy: config.trustProxy, onFinished: metrics?.record }) as Plugin);
      if (metrics) addPlugin(metrics.graphqlPlugin);
    },
    async onRequest({ request, url, serverContext, endResponse }) {
      // Every other path (GraphQL, /v1, the login page) passes by without the client-IP work.
      if (!OPS_PATHS.has(url.pathname)) return;
      const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      const response = await answer(url.pathname, clientIpOf(request, req, config.trustProxy), true);
      if (response) endResponse(response);
    },
  };

  return {
    plugin,
    answer,
    readiness,
    metrics,
    /** SIGTERM: /ready answers 503 from now on. */
    beginShutdown: () => readiness.beginShutdown(),
    /** Stops the database probe (before the database closes). */
    close: () => readiness.close(),
  };
}

export type Ops = ReturnType<typeof createOps>;
