import type { Logger } from 'pino';
import { type HttpServer, startHttpServer } from '../http/http-server.js';
import { canonicalIp } from '../lib/client-ip.js';
import type { Ops } from './ops.js';
import type { OpsConfig } from './ops.config.js';

/**
 * METRICS=<port>: /metrics, /ready and /health on a listener of their own, which the network keeps
 * private (METRICS_ALLOW, when set, still applies; X-Forwarded-For is not read here: no proxy sits
 * in front of a scraper). The public listener then has no /metrics at all.
 */
export function startMetricsServer(options: { ops: Ops; port: number; host: string; logger: Logger }): Promise<HttpServer> {
  const { ops, port, host, logger } = options;
  return startHttpServer({
    port,
    host,
    logger: logger.child({ component: 'metrics-server' }),
    shutdownTimeoutMs: 2000,
    handler: (req, res) => {
      const ip = req.socket.remoteAddress ? canonicalIp(req.socket.remoteAddress) : null;
      const pathname = new URL(req.url ?? '/', 'http://metrics').pathname;
      ops.answer(pathname, ip, false).then(
        async (response) => {
          response ??= new Response('not found', { status: 404 });
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(await response.text());
        },
        (error: unknown) => {
          logger.error({ err: error }, 'metrics server: answer failed');
          res.writeHead(500).end();
        },
      );
    },
  });
}


/** What a log line calls this host: a server on every interface is reached on localhost. */
export const displayHost = (host: string) => (host === '0.0.0.0' ? 'localhost' : host);

/** The metrics listener when METRICS is a port number (none otherwise), announced in the log. */
export async function startMetricsPort(options: { ops: Ops; metrics: OpsConfig['metrics']; host: string; logger: Logger }): Promise<HttpServer | undefined> {
  const { metrics, host, logger } = options;
  if (typeof metrics !== 'number') return undefined;
  const server = await startMetricsServer({ ops: options.ops, port: metrics, host, logger });
  logger.info(`metrics on http://${displayHost(host)}:${server.port}/metrics`);
  return server;
}
