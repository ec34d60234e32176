import { type Server, type Socket, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_EMAIL_TOKEN, type TestApp, startTestApp } from '../helpers/test-app.js';

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
async function timings(t: TestApp, label: string, n = 15): Promise<number[]> {
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
  it('does not depend on the SMTP server: healthy, rejecting or hung', async () => {
    const healthy = await startTestApp({ clock: 'running' });
    const rejecting = await startTestApp({ clock: 'running', mailTuning: { pollMs: 50, retryBaseSeconds: 0.05, retryMaxSeconds: 0.2 } });
    rejecting.mail.reject(451);
    const port = (hung.address() as { port: number }).port;
    const stuck = await startTestApp({ clock: 'running', env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
    try {
      await timings(healthy, 'warm', 5); // the first queries of a fresh database are slow
      await timings(rejecting, 'warm', 5);
      await timings(stuck, 'warm', 5);
      const results = {
        healthy: await timings(healthy, 'healthy'),
        rejecting: await timings(rejecting, 'rejecting'),
        hung: await timings(stuck, 'hung'),
      };
      console.info(
        Object.entries(results)
          .map(([name, t]) => `${name}: median ${median(t).toFixed(1)} ms, max ${t.at(-1)!.toFixed(1)} ms`)
          .join('; '),
      );
      expect(rejecting.mail.offered).toBeGreaterThan(0); // the worker really was failing meanwhile
      expect(sockets.size).toBeGreaterThan(0); // and really was stuck on the hung server
      for (const name of ['rejecting', 'hung'] as const) {
        expect(results[name].at(-1)!).toBeLessThan(1000);
        expect(median(results[name])).toBeLessThan(Math.max(100, median(results.healthy) * 3));
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      await Promise.all([healthy.close(), rejecting.close(), stuck.close()]);
    }
  });
});
