import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A loopback TCP proxy in front of PostgreSQL that reads the frontend messages of the wire protocol
 * and counts, exactly, what the server sends: round trips (Sync, Flush and simple Query messages), statements
 * executed (Bind + Execute, or Query) by their SQL text, and Parse messages (a Parse per execution
 * means the statement is not prepared once and reused). pg_stat_statements is not installed on the
 * machine (and needs a restart of the shared PostgreSQL), so this is the precise alternative.
 */
export interface Census {
  port: number;
  reset(): void;
  snapshot(): CensusCounts;
  close(): Promise<void>;
}

export interface CensusCounts {
  roundTrips: number;
  parses: number;
  executions: number;
  /** Executions per SQL text (whitespace collapsed, cut at 160 characters). */
  byStatement: Record<string, number>;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

export async function startCensus(upstreamHost: string, upstreamPort: number): Promise<Census> {
  let counts: CensusCounts = { roundTrips: 0, parses: 0, executions: 0, byStatement: {} };
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, upstreamHost);
    sockets.add(client).add(upstream);
    const statements = new Map<string, string>();
    let buffer: Buffer = Buffer.alloc(0);
    let started = false;

    const count = (text: string | undefined) => {
      const key = (text ?? '?').replace(/\s+/g, ' ').trim().slice(0, 160);
      counts.executions++;
      counts.byStatement[key] = (counts.byStatement[key] ?? 0) + 1;
    };
    const cstring = (from: number) => {
      const end = buffer.indexOf(0, from);
      return [buffer.toString('utf8', from, end), end + 1] as const;
    };

    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      let at = 0;
      for (;;) {
        if (!started) {
          if (buffer.length - at < 8) break;
          const length = buffer.readInt32BE(at);
          const code = buffer.readInt32BE(at + 4);
          if (buffer.length - at < length) break;
          at += length;
          if (code !== SSL_REQUEST && code !== GSS_REQUEST) started = true;
          continue;
        }
        if (buffer.length - at < 5) break;
        const type = String.fromCharCode(buffer[at]!);
        const length = buffer.readInt32BE(at + 1);
        if (buffer.length - at < length + 1) break;
        const body = at + 5;
        if (type === 'Q') {
          counts.roundTrips++;
          count(cstring(body)[0]);
        } else if (type === 'P') {
          counts.parses++;
          const [name, next] = cstring(body);
          statements.set(name, cstring(next)[0]);
        } else if (type === 'B') {
          const [, next] = cstring(body);
          count(statements.get(cstring(next)[0]));
        } else if (type === 'S' || type === 'H') {
          // Sync ends a statement; Flush asks for the answers so far and waits for them (postgres.js
          // sends Parse/Describe/Flush first for an unprepared statement with parameters).
          counts.roundTrips++;
        }
        at += length + 1;
      }
      buffer = at >= buffer.length ? Buffer.alloc(0) : buffer.subarray(at);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as { port: number }).port,
    reset() {
      counts = { roundTrips: 0, parses: 0, executions: 0, byStatement: {} };
    },
    snapshot: () => structuredClone(counts),
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
