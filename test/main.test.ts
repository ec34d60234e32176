import { afterEach, describe, expect, it } from 'vitest';
import { FORCED_EXIT_STATUS } from '../src/app/process.js';
import { gracefulStopViolations, startKeepAliveLoad } from './helpers/keep-alive-load.js';
import { startStuckRequest } from './helpers/raw-http.js';
import { type ServerProcess, listeningUrl, spawnServer } from './helpers/server-process.js';
import { sleep } from './helpers/wait.js';

const CLIENTS = 32;

describe('the server process (npm start)', () => {
  let server: ServerProcess | undefined;
  afterEach(() => server?.cleanUp());

  it(`exits 0 within SHUTDOWN_TIMEOUT_SECONDS after SIGTERM under ${CLIENTS} keep-alive clients, dropping no request in flight`, async () => {
    server = spawnServer({ SHUTDOWN_TIMEOUT_SECONDS: '5' });
    const url = await listeningUrl(server);
    const load = startKeepAliveLoad({
      url,
      clients: CLIENTS,
      // A credential lookup in the database per request (an unknown one: UnauthorizedError, status 200).
      body: JSON.stringify({ query: '{ account { __typename } }' }),
      headers: { authorization: 'Bearer not-a-session' },
    });
    const abort = setTimeout(load.abort, 60_000);
    await load.everyClientAnswered(30_000);
    await sleep(500);
    const before = load.requests.length;

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    // The server logs this line just before it stops its HTTP server: what the clients send after
    // the test reads it was surely sent after the stop began.
    await server.waitFor(/SIGTERM: shutting down/);
    load.markStop();
    const { code, ms } = await server.exited(signalled);
    const requests = await load.done;
    clearTimeout(abort);

    console.info(`process: exit ${code} ${ms} ms after SIGTERM under ${CLIENTS} keep-alive clients; ${before} requests before`);
    expect(code).toBe(0);
    // 5 s is the bound for the connections; the rest (mail worker, embedded database) is quick.
    expect(ms).toBeLessThan(5000 + 5000);
    expect(gracefulStopViolations(requests, CLIENTS)).toEqual([]);
    expect(server.output).toMatch(/HTTP server stopped in \d+ ms/);
  }, 120_000);

  it(`exits at once with status ${FORCED_EXIT_STATUS} on a second SIGTERM, while a request holds the shutdown`, async () => {
    server = spawnServer({ SHUTDOWN_TIMEOUT_SECONDS: '60' });
    const port = Number(new URL(await listeningUrl(server)).port);
    // A body that never arrives keeps its request in flight: the first SIGTERM would wait 60 s.
    const stuck = startStuckRequest(port);
    await sleep(300);
    server.child.kill('SIGTERM');
    await server.waitFor(/SIGTERM: shutting down/);
    await sleep(300);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const { code, ms } = await server.exited(signalled);
    stuck.socket.destroy();
    expect(code).toBe(FORCED_EXIT_STATUS);
    expect(ms).toBeLessThan(3000);
  }, 120_000);

  it('exits with status 1 and the problems, without a stack, on a bad configuration', async () => {
    server = spawnServer({ PORT: 'x', OTP_LENGTH: '3' });
    const { code } = await server.exited(Date.now());
    expect(code).toBe(1);
    expect(server.output).toMatch(/Invalid configuration:\n\s+- PORT: .*\n\s+- OTP_LENGTH: /);
    expect(server.output).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('npm run worker exits with status 1 and the reason on the embedded database', async () => {
    server = spawnServer({}, 'src/worker.ts');
    const { code } = await server.exited(Date.now());
    expect(code).toBe(1);
    expect(server.output).toMatch(/npm run worker needs DATABASE_URL/);
    expect(server.output).not.toMatch(/\n\s+at /);
  }, 60_000);
});
