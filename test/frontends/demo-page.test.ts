import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { schema } from '../../src/app/schema.js';
import { DEMO_PAGE_CSP, useDemoPage } from '../../src/http/demo-page.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { ensureWebBuild } from '../helpers/web-build.js';

describe('DEMO_PAGE', () => {
  it('is on outside production and off in production, unless set', () => {
    expect(loadConfig({}).demoPage).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).demoPage).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEMO_PAGE: 'on', PUBLIC_URL: 'https://auth.example.com' }).demoPage).toBe(true);
    expect(loadConfig({ DEMO_PAGE: 'off' }).demoPage).toBe(false);
  });

  it('says in production that links need a url when the page has no PUBLIC_URL', () => {
    expect(loadConfig({ NODE_ENV: 'production', DEMO_PAGE: 'on' }).warnings).toEqual([expect.stringMatching(/^DEMO_PAGE=on without PUBLIC_URL/)]);
  });
});

describe('the login page at /', { timeout: 90_000 }, () => {
  let t: TestApp;
  let off: TestApp;
  beforeAll(async () => {
    await ensureWebBuild();
    [t, off] = await Promise.all([startTestApp(), startTestApp({ env: { DEMO_PAGE: 'off' } })]);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), off?.close()]);
  });
  const origin = (app: TestApp) => new URL(app.url).origin;

  it('serves the built page with its CSP, revalidated, and its hashed assets cached for a year', async () => {
    const page = await fetch(`${origin(t)}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(DEMO_PAGE_CSP);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.map((a) => a.split('.').pop()).sort()).toEqual(['css', 'js']);
    for (const asset of assets) {
      const res = await fetch(`${origin(t)}/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-encoding')).toBe('gzip');
    }
    // A link's query string is the page's business, not the server's.
    expect((await fetch(`${origin(t)}/?userId=u&secret=s&expire=x`)).status).toBe(200);
  });

  it('serves nothing else from the disk', async () => {
    for (const path of ['/assets/../../package.json', '/assets/%2e%2e%2fpackage.json', '/assets/x.ts', '/src/main.ts', '/package.json', '/assets/nope.js']) {
      expect((await fetch(`${origin(t)}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${origin(t)}/`, { method: 'POST' })).status).toBe(404);
  });

  it('is not there with DEMO_PAGE=off', async () => {
    expect((await fetch(`${origin(off)}/`)).status).toBe(404);
  });

  it('says how to build it when the build is missing, and the server still answers GraphQL', async () => {
    const yoga = createYoga({ schema, plugins: [useDemoPage(new URL('file:///nonexistent/otpql-web/'))], landingPage: false });
    const res = await yoga.fetch('http://localhost/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:web');
    expect((await yoga.fetch('http://localhost/assets/index-x.js')).status).toBe(404);
  });
});
