import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gracefulStopViolations, startKeepAliveLoad } from '../helpers/keep-alive-load.js';
import { CREATE_EMAIL_TOKEN } from '../helpers/login.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { type ServerProcess, listeningUrl, spawnServer } from '../helpers/server-process.js';
import { rawRequest } from '../helpers/raw-http.js';
import { eventually } from '../helpers/wait.js';

const CLIENTS = 32;
/** On a new connection each time: a kept-alive one may be closing under the shutdown. */
const statusOf = async (port: number, request: string) => (await rawRequest(port, request).catch(() => null))?.status ?? 'refused';
const READY = 'GET /ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';
const TYPENAME = (() => {
  const body = JSON.stringify({ query: '{ __typename }' });
  return `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
})();

describe('the server process and its signals', () => {
  const servers: ServerProcess[] = [];
  let mail: MailSink | undefined;
  afterEach(async () => {
    for (const server of servers.splice(0)) server.cleanUp();
    await mail?.close();
    mail = undefined;
  });

  it(`SIGTERM: /ready answers 503 first while requests are still served, then ${CLIENTS} requests in flight finish and it exits 0`, async () => {
    const server = spawnServer({ SHUTDOWN_DELAY_SECONDS: '8', SHUTDOWN_TIMEOUT_SECONDS: '5' });
    servers.push(server);
    const url = await listeningUrl(server);
    const port = Number(new URL(url).port);
    expect(await statusOf(port, READY)).toBe(200);
    const load = startKeepAliveLoad({ url, clients: CLIENTS, body: JSON.stringify({ query: '{ account { __typename } }' }), headers: { authorization: 'Bearer not-a-session' } });
    const abort = setTimeout(load.abort, 60_000);
    await load.everyClientAnswered(30_000);

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await server.waitFor(/SIGTERM: shutting down/);
    // During the delay: not ready, and still serving new connections (after it, a new connection
    // would be refused).
    expect(await statusOf(port, READY)).toBe(503);
    expect(await statusOf(port, TYPENAME)).toBe(200);
    await server.waitFor(/closing the listener/);
    load.markStop();
    const { code, ms } = await server.exited(signalled);
    const requests = await load.done;
    clearTimeout(abort);
    console.info(`exit ${code} ${ms} ms after SIGTERM (8 s of them not ready and still serving), ${requests.length} requests`);
    expect(code).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(8000);
    expect(gracefulStopViolations(requests, CLIENTS)).toEqual([]);
  }, 120_000);

  it('SIGTERM while the mail worker holds a message: the message is sent, then the process exits 0', async () => {
    mail = await startMailSink();
    // The SMTP server takes 1.5 s to accept each message: the worker holds it when the signal comes.
    mail.delay(1500);
    const server = spawnServer({ SMTP_URL: mail.url });
    servers.push(server);
    const url = await listeningUrl(server);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CREATE_EMAIL_TOKEN, variables: { userId: 'unique()', email: 'in-hand@example.com' } }),
    });
    expect((await res.json()).data.createEmailToken.__typename).toBe('Token');
    await eventually('the message in the SMTP server', () => mail!.offered === 1, 10_000);
    expect(mail.messages).toHaveLength(0);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const { code } = await server.exited(signalled);
    expect(code).toBe(0);
    expect(mail.messages.map((m) => m.to)).toEqual(['in-hand@example.com']);
  }, 120_000);
});

describe('the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'otpql-shared-dir-'));
  const servers: ServerProcess[] = [];
  afterAll(() => {
    for (const server of servers) server.cleanUp();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second process on the same DATA_DIR with a clear message, and lets one start once the first is gone', async () => {
    const first = spawnServer({ DATA_DIR: dataDir });
    servers.push(first);
    const url = await listeningUrl(first);

    const second = spawnServer({ DATA_DIR: dataDir });
    servers.push(second);
    const { code } = await second.exited(Date.now());
    expect(code).toBe(1);
    expect(second.output).toContain(`DATA_DIR ${dataDir} is in use by another otpql process (pid ${first.child.pid})`);
    expect(second.output).not.toMatch(/\n\s+at /);
    // The first one never noticed.
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.status).toBe(200);

    // Killed without its shutdown, it leaves its pid file behind: the next process takes over.
    first.child.kill('SIGKILL');
    await first.exited(Date.now());
    const third = spawnServer({ DATA_DIR: dataDir });
    servers.push(third);
    await listeningUrl(third);
  }, 120_000);
});
