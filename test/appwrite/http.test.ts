import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedLog, captureLog } from '../helpers/log-capture.js';
import { codeFor, login } from '../helpers/login.js';
import { TEST_AUTH_SECRET, type TestApp, startTestApp } from '../helpers/test-app.js';
import { PROJECT, endpointOf, v1 } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { BODY_LIMIT_BYTES: '1024', NODE_ENV: 'production', CORS_ORIGINS: 'http://localhost:*,https://app.example.com' } });
});
afterAll(() => t.close());

/** An Appwrite error answer: JSON (never HTML), the status in the body too, the type asked for. */
function expectError(res: Awaited<ReturnType<typeof v1>>, status: number, type: string) {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.json).toEqual({ message: expect.any(String), code: status, type, version: expect.any(String) });
  expect(res.status).toBe(status);
}

describe('what /v1 refuses, as Appwrite JSON', () => {
  it('400 for a body that is not JSON, not an object, or not UTF-8', async () => {
    const headers = { 'content-type': 'application/json' };
    for (const body of ['{"userId":', 'null', '[]', '"text"', '42', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])]) {
      expectError(await v1(t, 'POST', '/account/tokens/email', { body, headers }), 400, 'general_argument_invalid');
    }
  });

  it('400 naming each parameter of the wrong type, or missing', async () => {
    const res = await v1(t, 'POST', '/account/tokens/email', { json: { userId: 5, phrase: 'yes' } });
    expectError(res, 400, 'general_argument_invalid');
    expect(res.json.message).toMatch(/`userId`/);
    expect(res.json.message).toMatch(/`email` param: is required/);
    expect(res.json.message).toMatch(/`phrase`/);
    expectError(await v1(t, 'POST', '/account/sessions/token', { json: {} }), 400, 'general_argument_invalid');
    expectError(await v1(t, 'PATCH', '/account/name', { json: { name: ['x'] } }), 400, 'general_argument_invalid');
  });

  it('400 for a body that is not sent as JSON (what a cross-site form could send)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const body = JSON.stringify({ userId: 'unique()', email: 'form@example.com' });
      expectError(await v1(t, 'POST', '/account/tokens/email', { body, headers: { 'content-type': type } }), 400, 'general_argument_invalid');
    }
    expect(t.mail.messages.filter((m) => m.to === 'form@example.com')).toEqual([]);
  });

  it('413 for a body over BODY_LIMIT_BYTES, declared or streamed', async () => {
    const big = JSON.stringify({ userId: 'unique()', email: 'big@example.com', pad: 'x'.repeat(2000) });
    expectError(await v1(t, 'POST', '/account/tokens/email', { body: big, headers: { 'content-type': 'application/json' } }), 413, 'general_argument_invalid');
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode(i === 0 ? '{"pad":"' : 'x'.repeat(500)));
        controller.close();
      },
    });
    const res = await fetch(`${endpointOf(t)}/account/tokens/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': PROJECT },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 413, type: 'general_argument_invalid' });
  });

  it('404 general_route_not_found for any other path or method under /v1, naming what is implemented', async () => {
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/'],
      ['POST', '/account/jwts'],
      ['PUT', '/account'],
      ['GET', '/account/'],
      ['GET', '/account/sessions/a/b'],
      ['POST', '/databases/x/collections/y/documents'],
    ] as const) {
      const res = await v1(t, method, path);
      expectError(res, 404, 'general_route_not_found');
      expect(res.json.message).toContain('GET /v1/account/sessions/{sessionId}');
    }
  });

  it('400 without a valid X-Appwrite-Project (it names the cookie)', async () => {
    for (const project of [undefined, '', '_x', 'a;b', 'a b', 'x'.repeat(37), 'a=b']) {
      const headers: Record<string, string> = project === undefined ? {} : { 'x-appwrite-project': project };
      const res = await fetch(`${endpointOf(t)}/account`, { headers });
      expect(res.status, String(project)).toBe(400);
      expect(await res.json()).toMatchObject({ type: 'general_argument_invalid', message: expect.stringContaining('X-Appwrite-Project') });
    }
  });

  it('400 for a session id that is not valid percent-encoding', async () => {
    const { secret } = await login(t, 'encoding@example.com');
    expectError(await v1(t, 'GET', '/account/sessions/%E0%A4%A', { headers: { 'x-appwrite-session': secret } }), 400, 'general_argument_invalid');
    expectError(await v1(t, 'GET', `/account/sessions/${'a'.repeat(65)}`, { headers: { 'x-appwrite-session': secret } }), 400, 'general_argument_invalid');
  });
});

describe('credentials on /v1', () => {
  it('sets the HttpOnly cookie a_session_<project> on login, reads it, and expires it on logout', async () => {
    const { userId, code } = await codeFor(t, 'cookie@example.com');
    const res = await v1(t, 'POST', '/account/sessions/token', { json: { userId, secret: code } });
    expect(res.status).toBe(201);
    const credential = res.json.secret as string;
    expect(res.headers.get('set-cookie')).toBe(`a_session_${PROJECT}=${credential}; HttpOnly; SameSite=Lax; Path=/; Max-Age=31536000`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // No Origin (a server, a test): nothing for a page's script.
    expect(res.headers.get('x-fallback-cookies')).toBeNull();

    const cookie = { cookie: `a_session_${PROJECT}=${credential}` };
    expect((await v1(t, 'GET', '/account', { headers: cookie })).json).toMatchObject({ $id: userId });
    // Another project's cookie name is another cookie.
    expect((await v1(t, 'GET', '/account', { headers: { cookie: `a_session_other=${credential}` } })).status).toBe(401);

    const out = await v1(t, 'DELETE', '/account/sessions/current', { headers: cookie, json: {} });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect(out.headers.get('set-cookie')).toBe(`a_session_${PROJECT}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0`);
    expectError(await v1(t, 'GET', '/account', { headers: cookie }), 401, 'user_unauthorized');
  });

  it('hands the credential to an allowed page of another site in X-Fallback-Cookies, and reads it back', async () => {
    const { userId, code } = await codeFor(t, 'fallback@example.com');
    // The test client reaches the server as 127.0.0.1: a page on localhost is another site.
    const origin = { origin: 'http://localhost:5173' };
    const res = await v1(t, 'POST', '/account/sessions/token', { json: { userId, secret: code }, headers: origin });
    const fallback = res.headers.get('x-fallback-cookies')!;
    expect(JSON.parse(fallback)).toEqual({ [`a_session_${PROJECT}`]: res.json.secret });
    expect(res.headers.get('access-control-expose-headers')).toContain('x-fallback-cookies');

    const me = await v1(t, 'GET', '/account', { headers: { ...origin, 'x-fallback-cookies': fallback } });
    expect(me.json).toMatchObject({ $id: userId });
    for (const junk of ['{}', '[]', 'not json', '{"a_session_otpql-demo": 5}', JSON.stringify({ a_session_other: res.json.secret })]) {
      expect((await v1(t, 'GET', '/account', { headers: { 'x-fallback-cookies': junk } })).status, junk).toBe(401);
    }
    const out = await v1(t, 'DELETE', '/account/sessions', { headers: { ...origin, 'x-fallback-cookies': fallback }, json: {} });
    expect(out.status).toBe(204);
    expect(out.headers.get('x-fallback-cookies')).toBe('{}');
  });

  it('gives no fallback to a page that is not on the allowlist, nor to one of this very host', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${t.http.port}`]) {
      const { userId, code } = await codeFor(t, 'no-fallback@example.com');
      const res = await v1(t, 'POST', '/account/sessions/token', { json: { userId, secret: code }, headers: { origin } });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-fallback-cookies'), origin).toBeNull();
    }
  });

  it('prefers X-Appwrite-Session to the cookie', async () => {
    const a = await login(t, 'first@example.com');
    const b = await login(t, 'second@example.com');
    const res = await v1(t, 'GET', '/account', { headers: { 'x-appwrite-session': a.secret, cookie: `a_session_${PROJECT}=${b.secret}` } });
    expect(res.json.email).toBe('first@example.com');
  });
});

describe('CORS on /v1', () => {
  it("allows the SDK's headers and methods to allowed origins, and nothing to others", async () => {
    const preflight = (origin: string, path: string) =>
      fetch(`http://127.0.0.1:${t.http.port}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'content-type, x-appwrite-project, x-sdk-version' },
      });
    const res = await preflight('https://app.example.com', '/v1/account/name');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const allowed = res.headers.get('access-control-allow-headers')!.split(', ');
    for (const header of ['content-type', 'x-appwrite-project', 'x-appwrite-response-format', 'x-appwrite-session', 'x-fallback-cookies', 'x-sdk-name', 'x-sdk-platform', 'x-sdk-language', 'x-sdk-version']) {
      expect(allowed).toContain(header);
    }
    expect(res.headers.get('access-control-allow-methods')).toMatch(/PATCH.*DELETE|DELETE.*PATCH/);
    // /graphql keeps its own, narrower policy.
    const graphql = await preflight('https://app.example.com', '/graphql');
    expect(graphql.headers.get('access-control-allow-headers')).not.toContain('x-appwrite-project');
    const evil = await preflight('https://evil.example', '/v1/account/name');
    expect([...evil.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('an unexpected failure on /v1', () => {
  let broken: TestApp;
  let log: CapturedLog;
  beforeAll(async () => {
    log = captureLog();
    broken = await startTestApp({ logger: log.logger });
  });
  afterAll(() => broken.close());

  it('is a masked general_server_error 500, logged with the request id and without codes, credentials or addresses', async () => {
    const { userId, code } = await codeFor(broken, 'victim@example.com');
    const session = await v1(broken, 'POST', '/account/sessions/token', { json: { userId, secret: code } });
    const credential = session.json.secret as string;
    await broken.db.db.execute(sql`ALTER TABLE sessions RENAME TO sessions_gone`);
    await broken.db.db.execute(sql`ALTER TABLE outbox RENAME TO outbox_gone`);

    const get = await v1(broken, 'GET', '/account', { headers: { 'x-appwrite-session': credential } });
    expectError(get, 500, 'general_server_error');
    const requestId = get.headers.get('x-request-id')!;
    expect(get.json.message).toContain(requestId);
    expect(get.json.message).not.toMatch(/sessions|relation|select/i);
    const send = await v1(broken, 'POST', '/account/tokens/email', { json: { userId: 'unique()', email: 'victim@example.com' } });
    expectError(send, 500, 'general_server_error');

    const errors = log.lines.filter((l) => l.msg === 'unexpected error');
    expect(errors.map((l) => l.requestId)).toEqual([requestId, send.headers.get('x-request-id')]);
    const text = JSON.stringify(log.lines);
    for (const secret of [credential, code, 'victim@', TEST_AUTH_SECRET]) expect(text).not.toContain(secret);
  });
});
