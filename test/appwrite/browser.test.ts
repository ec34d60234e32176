import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticSite, hasChromium, launchChromium, serveStatic } from '../helpers/browser.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { PROJECT, endpointOf } from './helpers.js';

/** The SDK's browser bundle (`dist/iife/sdk.js`, the global `Appwrite`), as a page loads it from a CDN or its own build. */
const SDK_BUNDLE = readFileSync(createRequire(import.meta.url).resolve('appwrite').replace(/cjs[/\\]sdk\.js$/, 'iife/sdk.js'), 'utf8');

/** An app's page: the SDK set up as the documents show, and a log of what each call answered. */
const page = (endpoint: string) => `<!doctype html><title>Appwrite SDK against otpql</title>
<style>body { font: 14px system-ui; margin: 2em } pre { white-space: pre-wrap; overflow-wrap: anywhere }</style>
<h1>Appwrite web SDK → otpql /v1</h1><p>Page origin: <b id="origin"></b>, endpoint: <b>${endpoint}</b></p><pre id="out"></pre>
<script src="/appwrite.js"></script>
<script>
  document.getElementById('origin').textContent = location.origin;
  const { Client, Account, ID } = Appwrite;
  const client = new Client()
    .setEndpoint('${endpoint}')
    .setProject('${PROJECT}');
  const account = new Account(client);
  /** Runs one SDK call: its answer, or the AppwriteException's type and code; logged on the page. */
  window.call = async (name, ...args) => {
    let result;
    try {
      result = { ok: await account[name](...args.map((a) => (a && a.userId === 'ID.unique()' ? { ...a, userId: ID.unique() } : a))) };
    } catch (e) {
      result = { error: { name: e.name, type: e.type, code: e.code, message: e.message } };
    }
    const shown = result.ok ? { ...result.ok, ...(result.ok.secret ? { secret: '(hidden)' } : {}) } : result.error;
    document.getElementById('out').textContent += name + ' → ' + JSON.stringify(shown) + '\\n';
    return result;
  };
</script>`;

describe.skipIf(!hasChromium)('the Appwrite web SDK in Chromium, on a page of another origin', () => {
  let t: TestApp;
  let site: StaticSite;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync('test/e2e/screenshots', { recursive: true });
    // Filled once the API's address is known: serveStatic looks pages up when they are asked for.
    const pages: Record<string, string> = { '/appwrite.js': SDK_BUNDLE };
    site = await serveStatic(pages);
    const port = new URL(site.origin).port;
    t = await startTestApp({
      // The page is served on 127.0.0.1 (the API's site: the cookie works) and on localhost (another site).
      env: { NODE_ENV: 'production', CORS_ORIGINS: `http://127.0.0.1:${port},http://localhost:${port}` },
    });
    pages['/'] = page(endpointOf(t));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await site?.close();
  });

  const call = (p: Page, name: string, ...args: unknown[]) =>
    p.evaluate(([n, a]) => (window as any).call(n, ...(a as unknown[])), [name, args] as const) as Promise<{
      ok?: any;
      error?: { name: string; type: string; code: number; message: string };
    }>;

  /** Logs in through the page as the documents show: a code by mail, then createSession. */
  async function logIn(p: Page, email: string) {
    const token = await call(p, 'createEmailToken', { userId: 'ID.unique()', email });
    expect(token).toMatchObject({ ok: { secret: '', userId: expect.any(String) } });
    const { code } = await t.mail.next(email);
    const session = await call(p, 'createSession', { userId: token.ok.userId, secret: code });
    expect(session).toMatchObject({ ok: { userId: token.ok.userId, current: true } });
    return token.ok.userId as string;
  }

  const sessionCookies = async (context: BrowserContext) =>
    (await context.cookies(endpointOf(t))).filter((c) => c.name === `a_session_${PROJECT}`);

  it('logs in and reads the account through the HttpOnly cookie when the page is on the same site', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    // Another origin (another port), the same site as the API: the SameSite cookie is sent.
    const origin = site.origin.replace('localhost', '127.0.0.1');
    await p.goto(`${origin}/`);
    const userId = await logIn(p, 'cookie-page@example.com');

    expect(await sessionCookies(context)).toEqual([expect.objectContaining({ httpOnly: true, sameSite: 'Lax' })]);
    expect(await p.evaluate(() => localStorage.getItem('cookieFallback'))).toBeNull();
    expect((await call(p, 'get')).ok).toMatchObject({ $id: userId, email: 'cookie-page@example.com' });
    expect((await call(p, 'listSessions')).ok.total).toBe(1);
    expect((await call(p, 'updateName', { name: 'Grace' })).ok.name).toBe('Grace');
    await p.screenshot({ path: 'test/e2e/screenshots/appwrite-sdk-cookie.png' });

    expect((await call(p, 'deleteSession', { sessionId: 'current' })).ok).toEqual({ message: '' });
    expect(await sessionCookies(context)).toEqual([]);
    expect((await call(p, 'get')).error).toMatchObject({ name: 'AppwriteException', type: 'user_unauthorized', code: 401 });
    await context.close();
  });

  it('with third-party cookies blocked, logs in through X-Fallback-Cookies on a page of another site', async () => {
    const blocking = await launchChromium(['--test-third-party-cookie-phaseout']);
    try {
      const context = await blocking.newContext();
      const p = await context.newPage();
      await p.goto(`${site.origin.replace('127.0.0.1', 'localhost')}/`);
      const userId = await logIn(p, 'fallback-page@example.com');

      // No cookie reached the browser's jar; the SDK kept the fallback in localStorage.
      expect(await sessionCookies(context)).toEqual([]);
      const stored = JSON.parse((await p.evaluate(() => localStorage.getItem('cookieFallback')))!);
      expect(Object.keys(stored)).toEqual([`a_session_${PROJECT}`]);
      expect((await call(p, 'get')).ok).toMatchObject({ $id: userId, email: 'fallback-page@example.com' });
      expect((await call(p, 'getSession', { sessionId: 'current' })).ok).toMatchObject({ current: true, secret: '' });
      await p.screenshot({ path: 'test/e2e/screenshots/appwrite-sdk-fallback.png' });

      expect((await call(p, 'deleteSession', { sessionId: 'current' })).ok).toEqual({ message: '' });
      expect(await p.evaluate(() => localStorage.getItem('cookieFallback'))).toBe('{}');
      expect((await call(p, 'get')).error).toMatchObject({ type: 'user_unauthorized', code: 401 });
      await context.close();
    } finally {
      await blocking.close();
    }
  });
});
