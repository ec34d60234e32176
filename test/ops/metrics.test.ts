import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { startMetricsServer } from '../../src/ops/metrics-server.js';
import { onPostgres } from '../helpers/database.js';
import { codeFor, guess, login, sendCode, wrong } from '../helpers/login.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';

const origin = (t: TestApp) => t.url.replace(/\/graphql$/, '');
const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
/** The value of one sample of the exposition, or undefined when the sample is absent. */
const sample = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe('/health, /ready and /metrics on the server port', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The test client connects from 127.0.0.1: loopback may read /metrics by default.
    t = await startTestApp({ env: { RATE_LIMIT: 'on', TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(() => t.close());

  it('/health answers 200, and /ready says why it is ready, each in well under 50 ms', async () => {
    expect((await get(`${origin(t)}/health`)).status).toBe(200);
    // The first /ready waits for the first probe (the app does no I/O until asked).
    await eventually('the first probe', async () => (await get(`${origin(t)}/ready`)).status === 200);
    const times: Record<string, number[]> = { '/ready': [], '/health': [] };
    for (let i = 0; i < 20; i++) {
      for (const path of ['/ready', '/health']) {
        const started = performance.now();
        const response = await get(`${origin(t)}${path}`);
        const body = await response.text();
        times[path]!.push(performance.now() - started);
        expect(response.status).toBe(200);
        if (path === '/ready') expect(JSON.parse(body)).toEqual({ ready: true, database: 'up', migrations: 'applied', shuttingDown: false });
      }
    }
    for (const [path, list] of Object.entries(times)) {
      const sorted = list.sort((a, b) => a - b);
      const median = sorted[sorted.length >> 1]!;
      console.info(`${path}: median ${median.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
      // The median: a machine shared by other test runs stalls now and then, the answer itself does not wait.
      expect(median).toBeLessThan(50);
    }
  });

  it('counts a login, a code, a wrong guess, a rate-limit refusal and a failed mail', async () => {
    const before = await (await get(`${origin(t)}/metrics`)).text();
    expect(sample(before, 'otpql_logins_total{outcome="Session"}')).toBeUndefined();

    await login(t, 'counted@example.com');
    const ip = '203.0.113.77';
    const { userId, code } = await codeFor(t, 'second@example.com', { ip });
    expect((await guess(t, userId, wrong(code), { ip })).__typename).toBe('InvalidTokenError');
    expect((await sendCode(t, 'second@example.com', { ip })).__typename).toBe('RateLimitError');
    t.mail.reject(550);
    await sendCode(t, 'refused@example.com');
    await eventually('the failed mail', () => t.app.mailCounters.failed === 1);
    t.mail.reject(null);

    const text = await (await get(`${origin(t)}/metrics`)).text();
    expect(sample(text, 'otpql_logins_total{outcome="Session"}')).toBe(1);
    expect(sample(text, 'otpql_logins_total{outcome="InvalidTokenError"}')).toBe(1);
    expect(sample(text, 'otpql_codes_issued_total{kind="code"}')).toBe(3);
    expect(sample(text, 'otpql_rate_limit_refusals_total{limit="email-token"}')).toBe(1);
    expect(sample(text, 'otpql_mail_messages_total{outcome="failed"}')).toBe(1);
    expect(sample(text, 'otpql_mail_messages_total{outcome="sent"}')).toBe(2);
    expect(sample(text, 'otpql_mail_queue_depth')).toBe(0);
    expect(sample(text, 'otpql_ready')).toBe(1);
    expect(sample(text, 'otpql_graphql_request_duration_seconds_count{field="createSession",outcome="Session"}')).toBe(1);
    expect(sample(text, 'otpql_db_pool_connections_max')).toBe(onPostgres ? 10 : 0);
    expect(text).toMatch(/^graphql_envelop_phase_execute_count\{operationType="mutation"\} \d+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    // No label a client writes: no operation name, no path, no address.
    expect(text).not.toMatch(/operationName=|path=|@example\.com/);
  });

  it('refuses /metrics to a client that is not on METRICS_ALLOW (loopback by default), seen through a trusted proxy', async () => {
    const refused = await get(`${origin(t)}/metrics`, { 'x-forwarded-for': '203.0.113.5' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toMatch(/otpql_/);
    expect((await get(`${origin(t)}/metrics`, { 'x-forwarded-for': '127.0.0.1' })).status).toBe(200);
  });

  it('answers /ready 503 from the moment the shutdown begins', async () => {
    t.app.ops.beginShutdown();
    const ready = await get(`${origin(t)}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, database: 'up', shuttingDown: true });
  });
});

describe('METRICS_ALLOW without a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_ALLOW: '10.0.0.0/8,fd00::/8' } });
  });
  afterAll(() => t.close());

  it('judges the socket address (X-Forwarded-For is not believed)', async () => {
    expect((await get(`${origin(t)}/metrics`)).status).toBe(403);
    expect((await get(`${origin(t)}/metrics`, { 'x-forwarded-for': '10.1.2.3' })).status).toBe(403);
  });
});

describe('METRICS=<port>', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS: '9464' } });
  });
  afterAll(() => t.close());

  it('serves /metrics, /ready and /health on a port of its own, and no /metrics on the public one', async () => {
    expect((await get(`${origin(t)}/metrics`)).status).toBe(404);
    const server = await startMetricsServer({ ops: t.app.ops, port: 0, host: '127.0.0.1', logger: createLogger({ level: 'silent' }) });
    try {
      const own = `http://127.0.0.1:${server.port}`;
      const metrics = await get(`${own}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^otpql_ready 1$/m);
      expect((await get(`${own}/ready`)).status).toBe(200);
      expect((await get(`${own}/health`)).status).toBe(200);
      expect((await get(`${own}/graphql`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});

describe('METRICS=off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS: 'off' } });
  });
  afterAll(() => t.close());

  it('has no /metrics, and still /ready', async () => {
    expect((await get(`${origin(t)}/metrics`)).status).toBe(404);
    expect((await get(`${origin(t)}/ready`)).status).toBe(200);
  });
});
