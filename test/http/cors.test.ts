import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { isAllowedOrigin, parseCorsOrigins } from '../../src/http/cors.js';
import { type StaticSite, hasChromium, launchChromium, serveStatic } from '../helpers/browser.js';
import { CREATE_EMAIL_TOKEN, CREATE_SESSION, type TestApp, startTestApp } from '../helpers/test-app.js';

describe('CORS_ORIGINS', () => {
  const origins = parseCorsOrigins('https://app.example.com, http://localhost:*');

  it('allows exact origins, and any port where the entry says so', () => {
    expect(isAllowedOrigin(origins, 'https://app.example.com')).toBe(true);
    expect(isAllowedOrigin(origins, 'http://localhost:5173')).toBe(true);
    expect(isAllowedOrigin(origins, 'http://localhost')).toBe(true);
  });

  it.each([
    'https://app.example.com.evil.example',
    'https://evil-app.example.com',
    'https://app.example.com:8443',
    'http://app.example.com',
    'https://sub.app.example.com',
    'https://localhost:5173',
    'http://localhost.evil.example:5173',
    'null',
    '',
    'https://app.example.com/',
  ])('refuses %j', (origin) => {
    expect(isAllowedOrigin(origins, origin)).toBe(false);
  });

  it('refuses entries that are not origins, naming them', () => {
    for (const bad of ['app.example.com', 'https://app.example.com/path', 'https://user@app.example.com', '*', 'ftp://x.example', 'https://*.example.com']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS/);
    }
  });

  it('defaults to none in production and to this machine in development', () => {
    const production = loadConfig({ NODE_ENV: 'production' }).corsOrigins;
    expect(production.exact.size + production.anyPort.size).toBe(0);
    const development = loadConfig({}).corsOrigins;
    expect(isAllowedOrigin(development, 'http://localhost:5173')).toBe(true);
    expect(isAllowedOrigin(development, 'http://127.0.0.1:3000')).toBe(true);
    expect(isAllowedOrigin(development, 'https://evil.example')).toBe(false);
  });
});

describe('CORS over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production', CORS_ORIGINS: 'https://app.example.com' } });
  });
  afterAll(() => t.close());

  const preflight = (origin: string) =>
    fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-graphql-yoga-csrf' },
    });

  it('answers an allowed origin with that origin, credentials and a cacheable preflight', async () => {
    const res = await preflight('https://app.example.com');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')).toContain('content-type');
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    const post = await t.gql('{ __typename }', undefined, { origin: 'https://app.example.com' });
    expect(post.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(post.headers.get('vary')).toContain('Origin');
  });

  it('gives any other origin no CORS header at all, preflight or not', async () => {
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null']) {
      const res = await preflight(origin);
      const post = await t.gql('{ __typename }', undefined, { origin });
      for (const r of [res, post]) {
        expect([...r.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
        expect(r.headers.get('vary')).toContain('Origin');
      }
    }
  });
});

// What the outside attack did in Chromium: a page on another port of the same host, same-site for
// the cookie, read `account` and could call deleteSessions with the victim's cookie.
describe.skipIf(!hasChromium)('CORS in Chromium', () => {
  const PAGE = `<!doctype html><title>cors</title><body><pre id="out"></pre><script>
    window.call = async (url, query, variables) => {
      try {
        const res = await fetch(url, { method: 'POST', credentials: 'include',
          headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
        const text = JSON.stringify(await res.json());
        document.getElementById('out').textContent += text + '\\n';
        return text;
      } catch (error) {
        document.getElementById('out').textContent += 'blocked: ' + error + '\\n';
        return 'blocked: ' + error.name;
      }
    };</script></body>`;
  let allowed: StaticSite;
  let evil: StaticSite;
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    [allowed, evil] = await Promise.all([serveStatic({ '/': PAGE }), serveStatic({ '/': PAGE })]);
    t = await startTestApp({ env: { NODE_ENV: 'production', CORS_ORIGINS: allowed.origin } });
    browser = await launchChromium();
    mkdirSync('test/e2e/screenshots', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await Promise.all([allowed?.close(), evil?.close()]);
  });

  it('an allowed origin logs in and reads the account with the cookie; another origin reads and changes nothing', async () => {
    const context = await browser.newContext();
    const app = await context.newPage();
    await app.goto(`${allowed.origin}/`);
    const call = (page: typeof app, query: string, variables?: object) =>
      page.evaluate(([url, q, v]) => (window as any).call(url, q, v), [t.url, query, variables] as const);

    const token = JSON.parse(await call(app, CREATE_EMAIL_TOKEN, { userId: 'unique()', email: 'victim@example.com' }));
    expect(token.data.createEmailToken.__typename).toBe('Token');
    const { code } = await t.mail.next('victim@example.com');
    const session = JSON.parse(await call(app, CREATE_SESSION, { userId: token.data.createEmailToken.userId, secret: code }));
    expect(session.data.createSession.__typename).toBe('Session');
    const account = JSON.parse(await call(app, '{ account { __typename ... on Account { email } } }'));
    expect(account.data.account).toEqual({ __typename: 'Account', email: 'victim@example.com' });
    await app.screenshot({ path: 'test/e2e/screenshots/cors-allowed-origin.png' });

    const attacker = await context.newPage();
    await attacker.goto(`${evil.origin}/`);
    expect(await call(attacker, '{ account { __typename ... on Account { email } } }')).toBe('blocked: TypeError');
    expect(await call(attacker, '{ sessions { __typename ... on SessionList { total } } }')).toBe('blocked: TypeError');
    expect(await call(attacker, 'mutation { deleteSessions { __typename } }')).toBe('blocked: TypeError');
    await attacker.screenshot({ path: 'test/e2e/screenshots/cors-refused-origin.png' });

    // The preflight failed, so deleteSessions never ran: the victim is still logged in.
    const still = JSON.parse(await call(app, '{ sessions { __typename ... on SessionList { total } } }'));
    expect(still.data.sessions).toEqual({ __typename: 'SessionList', total: 1 });
    await context.close();
  });
});
