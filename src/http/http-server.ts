import { type RequestListener, type ServerResponse, createServer } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { Logger } from 'pino';

export interface HttpServerOptions {
  handler: RequestListener;
  port: number;
  host: string;
  /** After stop(), connections still open this long are destroyed, requests in flight or not. */
  shutdownTimeoutMs: number;
  logger: Logger;
}

export interface HttpServer {
  /** The port bound (PORT=0 picks a free one). */
  port: number;
  /**
   * Stops accepting connections, answers the requests in flight and any that still arrive on open
   * keep-alive connections with `Connection: close`, closes idle connections, and resolves once every
   * connection is closed: at the latest after `shutdownTimeoutMs`, when the rest are destroyed.
   * Calling it again returns the same promise.
   */
  stop(): Promise<void>;
}

/**
 * When the stop closes an idle connection. A request the client has already sent may sit unread in
 * the socket's buffer while the event loop is busy (or still be on the wire), and closing such a
 * connection resets a request the client believes in flight. So a connection is closed only once it
 * has been idle for IDLE_GRACE_MS and for IDLE_SWEEPS sweeps in a row: between two sweeps the event
 * loop polls the sockets once, so a request that had arrived would have been read, even when the
 * loop stalls for longer than the grace (measured: over a second on a loaded 2-core machine).
 */
const IDLE_GRACE_MS = 1000;
const IDLE_SWEEPS = 3;
const SWEEP_EVERY_MS = 50;

interface Connection {
  /** Responses not yet finished on this connection. */
  inFlight: Set<ServerResponse>;
  idleSince: number;
  /** Sweeps in a row that found no request on it. */
  idleSweeps: number;
}

/** The HTTP server's lifecycle: listen, then a bounded, graceful stop. Never exits the process. */
export async function startHttpServer({ handler, port, host, shutdownTimeoutMs, logger }: HttpServerOptions): Promise<HttpServer> {
  const connections = new Map<Socket, Connection>();
  let stopping: Promise<void> | undefined;

  const server = createServer((req, res) => {
    const connection = connections.get(req.socket);
    if (connection) {
      connection.inFlight.add(res);
      connection.idleSweeps = 0;
    }
    res.once('close', () => {
      connection?.inFlight.delete(res);
      if (connection) connection.idleSince = Date.now();
    });
    // A keep-alive client goes on sending on its open connection: this answer tells it to stop.
    if (stopping) res.setHeader('connection', 'close');
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { inFlight: new Set(), idleSince: Date.now(), idleSweeps: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const drain = async () => {
    const started = Date.now();
    const open = connections.size;
    // net.Server#close: stop accepting and keep the connections. http.Server#close (Node ≥ 19) also
    // destroys every connection it deems idle, including one whose next request is already in its
    // buffer, unread: under load that resets requests the clients have sent.
    NetServer.prototype.close.call(server);
    for (const connection of connections.values()) {
      for (const res of connection.inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    }
    let destroyedInFlight = 0;
    await new Promise<void>((resolve) => {
      const sweep = () => {
        const now = Date.now();
        const late = now - started >= shutdownTimeoutMs;
        for (const [socket, connection] of connections) {
          const idle = connection.inFlight.size === 0;
          if (idle) connection.idleSweeps++;
          if (late || (idle && connection.idleSweeps >= IDLE_SWEEPS && now - connection.idleSince >= IDLE_GRACE_MS)) {
            if (!idle) destroyedInFlight += connection.inFlight.size;
            socket.destroy();
            connections.delete(socket);
          }
        }
        if (connections.size > 0) return;
        clearInterval(timer);
        resolve();
      };
      const timer = setInterval(sweep, SWEEP_EVERY_MS);
      sweep();
    });
    // Now that no connection is left: lets http.Server clear its connection-checking timer.
    server.close();
    const elapsed = Date.now() - started;
    if (destroyedInFlight > 0) {
      logger.warn(`HTTP server stopped after ${elapsed} ms: ${destroyedInFlight} requests still in flight were cut off (SHUTDOWN_TIMEOUT_SECONDS)`);
    } else {
      logger.info(`HTTP server stopped in ${elapsed} ms (${open} connections were open)`);
    }
  };

  return {
    port: (server.address() as { port: number }).port,
    stop: () => (stopping ??= drain()),
  };
}
