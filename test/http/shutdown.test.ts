import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gracefulStopViolations, startKeepAliveLoad } from '../helpers/keep-alive-load.js';
import { captureLog } from '../helpers/log-capture.js';
import { startStuckRequest } from '../helpers/raw-http.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { sleep } from '../helpers/wait.js';
import { login } from '../helpers/login.js';

const CLIENTS = 32;

describe('stopping the HTTP server', () => {
  const log = captureLog();
  let t: TestApp;
  let secret: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { SHUTDOWN_TIMEOUT_SECONDS: '10' }, logger: log.logger });
    ({ secret } = await login(t, 'keep-alive@example.com'));
  });
  afterAll(() => t.close());

  it(`under ${CLIENTS} keep-alive clients: answers every request in flight, tells each client to close, and stops within the bound`, async () => {
    const load = startKeepAliveLoad({
      url: t.url,
      clients: CLIENTS,
      // An authenticated read: a session lookup in the database per request.
      body: JSON.stringify({ query: '{ account { __typename } }' }),
      headers: { authorization: `Bearer ${secret}` },
    });
    // Bounds the test if the server never stops (it kept serving before the fix).
    const abort = setTimeout(load.abort, 40_000);
    await load.everyClientAnswered(20_000);
    await sleep(500);
    const before = load.requests.length;
    load.markStop();
    const started = Date.now();
    await t.http.stop();
    const stopMs = Date.now() - started;
    const requests = await load.done;
    clearTimeout(abort);

    console.info(`stop under ${CLIENTS} keep-alive clients: ${stopMs} ms; ${before} requests before, ${requests.length - before} after`);
    expect(before).toBeGreaterThan(CLIENTS);
    expect(gracefulStopViolations(requests, CLIENTS)).toEqual([]);
    // The looping clients leave on their next answer; 10 s is the bound, 3 s leaves room for a busy machine.
    expect(stopMs).toBeLessThan(3000);
    // Every client ended on a refused new connection: the server no longer listens.
    expect(requests.filter((r) => r.error).map((r) => r.error)).toEqual(Array(CLIENTS).fill('ECONNREFUSED'));
  }, 60_000);
});

describe('stopping the HTTP server with a request that never completes', () => {
  const log = captureLog();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SHUTDOWN_TIMEOUT_SECONDS: '2' }, logger: log.logger });
  });
  afterAll(() => t.close());

  it('destroys it after SHUTDOWN_TIMEOUT_SECONDS and says so', async () => {
    const stuck = startStuckRequest(t.http.port);
    await sleep(300);
    const started = Date.now();
    await t.http.stop();
    const stopMs = Date.now() - started;
    await stuck.closed;
    console.info(`stop with a stuck request, SHUTDOWN_TIMEOUT_SECONDS=2: ${stopMs} ms`);
    expect(stopMs).toBeGreaterThanOrEqual(1900);
    expect(stopMs).toBeLessThan(4000);
    expect(log.warnings().map((l) => l.msg)).toEqual([expect.stringMatching(/1 requests still in flight were cut off/)]);
  });
});
