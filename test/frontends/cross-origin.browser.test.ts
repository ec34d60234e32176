import { mkdirSync } from 'node:fs';
import { type Server, createServer, request as httpRequest } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticSite, hasChromium, launchChromium, launchWithThirdPartyCookies, serveStatic } from '../helpers/browser.js';
import { captureLog } from '../helpers/log-capture.js';
import { CREATE_EMAIL_TOKEN, CREATE_SESSION } from '../helpers/login.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

// An app on another site than the API, in Chromium: the page on http://localhost:<port>, the API on
// http://127.0.0.1:<port> (two sites for SameSite). Allowlisted, it logs in with Bearer credentials
// kept in memory, or with the cookie once COOKIE_SAMESITE=none; with the default (Lax) the cookie
// never goes along and the server says so; an origin not on the list reads nothing.

const SHOTS = 'test/e2e/screenshots';
const ACCOUNT = '{ account { __typename ... on Account { email } ... on Error { code } } }';

// The app: `call` sends one operation as a real page would, and shows what came back.
const APP = `<!doctype html><html lang="en"><meta charset="utf-8"><title>An app on another site</title>
<style>body{font:15px/1.4 system-ui;margin:1rem}pre{white-space:pre-wrap;overflow-wrap:anywhere}</style>
<h1>An app on <script>document.write(location.origin)</script></h1><pre id="out"></pre><script>
  window.call = async (url, query, variables, { bearer, credentials = 'omit' } = {}) => {
    const out = document.getElementById('out');
    try {
      const res = await fetch(url, { method: 'POST', credentials,
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: 'Bearer ' + bearer } : {}) },
        body: JSON.stringify({ query, variables }) });
      const body = await res.json();
      out.textContent += (bearer ? '[Bearer] ' : '[' + credentials + '] ') + JSON.stringify(body.data) + '\\n';
      return body.data;
    } catch (error) {
      out.textContent += 'blocked: ' + error + '\\n';
      return 'blocked: ' + error.name;
    }
  };</script></html>`;

/** A proxy in front of the API that counts the preflights the browser sends. */
async function countingProxy(target: string): Promise<{ url: string; preflights: () => number; close: () => Promise<void> }> {
  let preflights = 0;
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    if (req.method === 'OPTIONS') preflights++;
    const upstream = httpRequest({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}${to.pathname}`,
    preflights: () => preflights,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const onLocalhost = (site: StaticSite) => site.origin.replace('127.0.0.1', 'localhost');

describe.skipIf(!hasChromium)('an app on another site, in Chromium', { timeout: 240_000 }, () => {
  let lax: TestApp; // COOKIE_SAMESITE unset (lax)
  let none: TestApp; // COOKIE_SAMESITE=none, COOKIE_SECURE=true
  let app: StaticSite;
  let stranger: StaticSite;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let browser: Browser;
  const log = captureLog();
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [app, stranger] = await Promise.all([serveStatic({ '/': APP }), serveStatic({ '/': APP })]);
    const env = { NODE_ENV: 'production', CORS_ORIGINS: onLocalhost(app) };
    [lax, none, browser] = await Promise.all([
      startTestApp({ env, logger: log.logger }),
      startTestApp({ env: { ...env, COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'true' } }),
      launchChromium(),
    ]);
    proxy = await countingProxy(lax.url);
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await Promise.all([lax?.close(), none?.close(), app?.close(), stranger?.close()]);
  });

  type Call = (url: string, query: string, variables?: object, options?: { bearer?: string; credentials?: RequestCredentials }) => Promise<any>;
  const caller =
    (page: Page): Call =>
    (url, query, variables, options) =>
      page.evaluate(([u, q, v, o]) => (window as any).call(u, q, v, o), [url, query, variables, options] as const);

  async function logIn(call: Call, t: TestApp, url: string, email: string, credentials: RequestCredentials) {
    const token = (await call(url, CREATE_EMAIL_TOKEN, { userId: 'unique()', email }, { credentials })).createEmailToken;
    expect(token.__typename).toBe('Token');
    const { code } = await t.mail.next(email, 30_000); // a loaded machine delivers slowly
    const session = (await call(url, CREATE_SESSION, { userId: token.userId, secret: code }, { credentials })).createSession;
    expect(session.__typename).toBe('Session');
    return session.secret as string;
  }

  it('logs in with Bearer credentials kept in memory; preflights are cached', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${onLocalhost(app)}/`);
    const call = caller(page);
    const secret = await logIn(call, lax, proxy.url, 'bearer@example.com', 'omit');
    for (let i = 0; i < 3; i++) {
      expect((await call(proxy.url, ACCOUNT, undefined, { bearer: secret })).account).toEqual({ __typename: 'Account', email: 'bearer@example.com' });
    }
    // Five requests, one preflight: its answer (Access-Control-Max-Age, every allowed header,
    // Authorization included) covers the rest.
    expect(proxy.preflights()).toBe(1);
    expect((await context.cookies()).length, 'credentials: omit keeps no cookie').toBe(0);
    await page.screenshot({ path: `${SHOTS}/cross-site-bearer.png` });
    await context.close();
  });

  it('with SameSite=Lax the cookie is not sent across sites, and the server log says why', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${onLocalhost(app)}/`);
    const call = caller(page);
    await logIn(call, lax, lax.url, 'lax@example.com', 'include');
    expect((await call(lax.url, ACCOUNT, undefined, { credentials: 'include' })).account).toEqual({ __typename: 'UnauthorizedError', code: 'USER_UNAUTHORIZED' });
    expect(log.warnings().map((l) => l.msg)).toContainEqual(expect.stringMatching(new RegExp(`^${onLocalhost(app)} is on CORS_ORIGINS but on another site`)));
    await page.screenshot({ path: `${SHOTS}/cross-site-cookie-lax.png` });
    await context.close();
  });

  it('with COOKIE_SAMESITE=none the allowlisted app logs in and reads the account with the cookie', async () => {
    // Playwright's contexts block third-party cookies, as incognito windows, Safari and Firefox's
    // strict mode do: this test needs a profile that allows them.
    const context = await launchWithThirdPartyCookies();
    const page = await context.newPage();
    await page.goto(`${onLocalhost(app)}/`);
    const call = caller(page);
    await logIn(call, none, none.url, 'none@example.com', 'include');
    // Chromium keeps a Secure cookie from http://127.0.0.1: loopback is a secure context.
    expect(await context.cookies(none.url)).toEqual([expect.objectContaining({ name: '__Host-session', secure: true, sameSite: 'None', httpOnly: true })]);
    expect((await call(none.url, ACCOUNT, undefined, { credentials: 'include' })).account).toEqual({ __typename: 'Account', email: 'none@example.com' });
    await page.screenshot({ path: `${SHOTS}/cross-site-cookie-none.png` });

    // A page of an origin not on the list, in the same browser with that cookie: its fetch is blocked.
    const other = await context.newPage();
    await other.goto(`${onLocalhost(stranger)}/`);
    const strangerCall = caller(other);
    expect(await strangerCall(none.url, ACCOUNT, undefined, { credentials: 'include' })).toBe('blocked: TypeError');
    expect(await strangerCall(none.url, 'mutation { deleteSessions { __typename } }', undefined, { credentials: 'include' })).toBe('blocked: TypeError');
    await other.screenshot({ path: `${SHOTS}/cross-site-not-allowlisted.png` });
    // Its deleteSessions never ran: the preflight failed first.
    expect((await call(none.url, ACCOUNT, undefined, { credentials: 'include' })).account.__typename).toBe('Account');
    await context.cleanUp();
  });
});
