import { Agent, request } from 'node:http';
import { eventually } from './wait.js';

export interface LoadRequest {
  client: number;
  /** Sent after `markStop()` was called. */
  sentAfterStop: boolean;
  status?: number;
  /** The response's Connection header. */
  connection?: string;
  /** Error code of a request that got no response (ECONNREFUSED: no server listening any more). */
  error?: string;
  /** Whether it went out on a kept-alive socket that had served an earlier request. */
  reusedSocket: boolean;
}

export interface KeepAliveLoad {
  /** Marks the moment the server was told to stop: later requests are flagged `sentAfterStop`. */
  markStop(): void;
  /** Resolves when every client has ended: on its first request without a response, or at `abort()`. */
  done: Promise<LoadRequest[]>;
  /** Ends the loops after their current request (a server that never stops must not hang the test). */
  abort(): void;
  /**
   * Resolves once every client has had an answer, so all are connected: a connection still in the
   * listen backlog when the server stops listening is reset by the kernel, which no server can answer.
   */
  everyClientAnswered(timeoutMs: number): Promise<void>;
  readonly requests: LoadRequest[];
}

/**
 * `clients` closed loops, each sending one POST at a time through one keep-alive agent (so each
 * keeps its own open connection), the way a pool of API clients does.
 */
export function startKeepAliveLoad(options: { url: string; clients?: number; body: string; headers?: Record<string, string> }): KeepAliveLoad {
  const clients = options.clients ?? 32;
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const requests: LoadRequest[] = [];
  let stopped = false;
  let aborted = false;

  const send = (client: number): Promise<LoadRequest> =>
    new Promise((resolve) => {
      const entry: LoadRequest = { client, sentAfterStop: stopped, reusedSocket: false };
      const req = request(
        options.url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', ...options.headers } },
        (res) => {
          entry.reusedSocket = req.reusedSocket;
          res.resume();
          res.on('end', () => resolve({ ...entry, status: res.statusCode, connection: res.headers.connection }));
          res.on('error', (error: NodeJS.ErrnoException) => resolve({ ...entry, error: error.code ?? error.message }));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ ...entry, reusedSocket: req.reusedSocket, error: error.code ?? error.message }));
      req.end(options.body);
    });

  const loop = async (client: number) => {
    while (!aborted) {
      const result = await send(client);
      requests.push(result);
      if (result.error) return;
    }
  };
  const done = Promise.all(Array.from({ length: clients }, (_, i) => loop(i))).then(() => {
    agent.destroy();
    return requests;
  });
  return {
    markStop: () => {
      stopped = true;
    },
    done,
    abort: () => {
      aborted = true;
    },
    everyClientAnswered: async (timeoutMs) => {
      await eventually('every client answered', () => new Set(requests.filter((r) => !r.error).map((r) => r.client)).size === clients, timeoutMs);
    },
    requests,
  };
}

/** What a graceful stop must guarantee to the clients of `startKeepAliveLoad`; the failures, as text. */
export function gracefulStopViolations(requests: LoadRequest[], clients: number): string[] {
  const problems: string[] = [];
  for (const r of requests) {
    // Refused: the server had stopped listening, the request was never sent. Anything else (a reset,
    // a hang-up) is a request lost in flight.
    if (r.error && r.error !== 'ECONNREFUSED') problems.push(`client ${r.client}: ${r.error} (reused socket: ${r.reusedSocket}, sent after the stop: ${r.sentAfterStop})`);
    if (!r.error && r.status !== 200) problems.push(`client ${r.client}: status ${r.status}`);
    if (!r.error && r.sentAfterStop && r.connection !== 'close') problems.push(`client ${r.client}: answered after the stop without Connection: close`);
  }
  for (let client = 0; client < clients; client++) {
    const answered = requests.filter((r) => r.client === client && !r.error);
    if (answered.at(-1)?.connection !== 'close') problems.push(`client ${client}: its last answer did not say Connection: close`);
  }
  // Each open connection may carry one more request after the stop, which is told to close.
  const afterStop = requests.filter((r) => r.sentAfterStop && !r.error).length;
  if (afterStop > clients) problems.push(`${afterStop} requests answered after the stop began (at most ${clients} expected)`);
  return problems;
}
