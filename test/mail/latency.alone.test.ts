import { type Server, type Socket, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';
import { CREATE_EMAIL_TOKEN } from '../helpers/login.js';

/** An SMTP server that accepts connections and never says a word: the worst kind of outage. */
let hung: Server;
const sockets = new Set<Socket>();
beforeAll(async () => {
  hung = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hung.close(resolve));
});

/** Milliseconds of each of `n` createEmailToken calls, one after the other. */
async function timings(t: TestApp, label: string, n = 12): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email: `${label}${i}@example.com` });
    times.push(performance.now() - started);
    expect(res.body.data?.createEmailToken.__typename).toBe('Token');
  }
  return times.sort((a, b) => a - b);
}

const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)]!;

describe('createEmailToken’s latency', () => {
  // One app at a time: PGlite instances are large and the machine is small.
  const measured: Record<string, number[]> = {};
  const report = () =>
    console.info(
      Object.entries(measured)
        .map(([name, t]) => `${name}: median ${median(t).toFixed(1)} ms, max ${t.at(-1)!.toFixed(1)} ms`)
        .join('; '),
    );

  it('is the same whether the SMTP server accepts or rejects', { timeout: 90_000 }, async () => {
    const t = await startTestApp({ clock: 'running', mailTuning: { pollMs: 50, retryBaseSeconds: 0.05, retryMaxSeconds: 0.2 } });
    try {
      await timings(t, 'warm', 5); // the first queries of a fresh database are slow
      measured.healthy = await timings(t, 'healthy');
      t.mail.reject(451);
      measured.rejecting = await timings(t, 'rejecting');
      // The worker really was failing meanwhile (its first 451 may land just after the last call).
      await eventually('a rejected delivery', () => t.app.mailCounters.retried > 0);
    } finally {
      await t.close();
    }
    expect(measured.rejecting.at(-1)!).toBeLessThan(1000);
    expect(median(measured.rejecting)).toBeLessThan(Math.max(100, median(measured.healthy) * 3));
  });

  it('is the same when the SMTP server hangs', { timeout: 90_000 }, async () => {
    const port = (hung.address() as { port: number }).port;
    const t = await startTestApp({ clock: 'running', env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
    try {
      await timings(t, 'warm', 5);
      measured.hung = await timings(t, 'hung');
      expect(sockets.size).toBeGreaterThan(0); // the worker really was stuck on the hung server
    } finally {
      for (const socket of sockets) socket.destroy();
      await t.close();
    }
    report();
    expect(measured.hung.at(-1)!).toBeLessThan(1000);
    expect(median(measured.hung)).toBeLessThan(Math.max(100, median(measured.healthy ?? [0]) * 3));
  });
});
