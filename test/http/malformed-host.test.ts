import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../helpers/log-capture.js';
import { rawRequest } from '../helpers/raw-http.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

/** Host values from the attack on the production server: each made Yoga's adapter throw `Invalid URL`. */
const MALFORMED_HOSTS = ['a b', ':', '%', '[', '@', 'x:99999'];

describe('a Host header that makes no valid URL', () => {
  const log = captureLog();
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production' }, logger: log.logger });
    port = Number(new URL(t.url).port);
  });
  afterAll(() => t.close());

  const requests = {
    'GET /graphql': (host: string) => `GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    'POST /graphql': (host: string) =>
      `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 27\r\nConnection: close\r\n\r\n{"query":"{ __typename }"}\n`,
    'GET / (another route)': (host: string) => `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
  };

  for (const [route, request] of Object.entries(requests)) {
    it.each(MALFORMED_HOSTS)(`${route} with Host %j: 400, no stack trace, one warning`, async (host) => {
      const before = log.warnings().length;
      const res = await rawRequest(port, request(host));
      expect(res.status).toBe(400);
      expect(res.body).not.toMatch(/node_modules|\n\s+at |TypeError/);
      expect(JSON.parse(res.body)).toEqual({ errors: [{ message: expect.stringMatching(/Host/) }] });
      const warnings = log.warnings().slice(before);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ host });
    });
  }

  it('still serves a request with a valid Host on the same server', async () => {
    const res = await rawRequest(port, requests['GET /graphql']('localhost:4000'));
    // No CSRF header and no content type: refused by the CSRF plugin, which means Yoga saw it.
    expect(res.status).toBe(403);
    const ok = await rawRequest(
      port,
      `GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: auth.example.com\r\nx-graphql-yoga-csrf: 1\r\nConnection: close\r\n\r\n`,
    );
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ data: { __typename: 'Query' } });
  });
});
