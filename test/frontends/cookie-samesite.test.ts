import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.js';
import { crossSiteOrigins, parseCorsOrigins, siteOf } from '../../src/http/cors.js';
import { captureLog } from '../helpers/log-capture.js';
import { login } from '../helpers/login.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('COOKIE_SAMESITE', () => {
  it('is Lax by default, and takes strict and none', () => {
    expect(loadConfig({}).session.cookie.sameSite).toBe('Lax');
    expect(loadConfig({ COOKIE_SAMESITE: 'strict' }).session.cookie.sameSite).toBe('Strict');
    const none = loadConfig({ COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'true', CORS_ORIGINS: 'https://app.example.net' });
    expect(none.session.cookie).toMatchObject({ sameSite: 'None', secure: true });
    expect(problemsOf({ COOKIE_SAMESITE: 'None!' })).toEqual([expect.stringMatching(/^COOKIE_SAMESITE:/)]);
  });

  it('stops a contradictory start with what to set: none without Secure, none without an allowlist', () => {
    expect(problemsOf({ COOKIE_SAMESITE: 'none', CORS_ORIGINS: 'https://app.example.net' })).toEqual([
      expect.stringMatching(/^COOKIE_SAMESITE: none needs COOKIE_SECURE=true/),
    ]);
    expect(problemsOf({ NODE_ENV: 'production', COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'true' })).toEqual([
      expect.stringMatching(/^COOKIE_SAMESITE: none needs CORS_ORIGINS/),
    ]);
    expect(problemsOf({ NODE_ENV: 'production', COOKIE_SAMESITE: 'none' })).toHaveLength(2);
  });

  it('warns at start-up about allowlisted origins on another site, whose pages will not get the cookie', () => {
    const env = { PUBLIC_URL: 'https://auth.example.com', CORS_ORIGINS: 'https://app.example.com, https://shop.example.net, http://app.example.com' };
    const [warning, ...more] = loadConfig(env).warnings;
    expect(more).toEqual([]);
    expect(warning).toMatch(/https:\/\/shop\.example\.net, http:\/\/app\.example\.com are on another site .*Bearer.*COOKIE_SAMESITE=none/);
    expect(loadConfig({ ...env, CORS_ORIGINS: 'https://app.example.com' }).warnings).toEqual([]);
    expect(loadConfig({ ...env, COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'true' }).warnings).toEqual([]);
    // The development default (any port of this machine) says nothing: it is not the operator's list.
    expect(loadConfig({}).warnings).toEqual([]);
  });

  it('tells sites apart as SameSite does: scheme and registrable domain', () => {
    expect(siteOf('https://a.b.example.com:8443/x')).toBe('https://example.com');
    expect(siteOf('http://127.0.0.1:4000')).toBe('http://127.0.0.1');
    expect(siteOf('http://localhost:5173')).toBe('http://localhost');
    expect(crossSiteOrigins(parseCorsOrigins('http://localhost:*, http://127.0.0.1:*'), 'http://localhost:4000/')).toEqual(['http://127.0.0.1:*']);
  });
});

describe('the cookie across sites over HTTP', () => {
  let t: TestApp;
  const log = captureLog();
  beforeAll(async () => {
    t = await startTestApp({
      env: { COOKIE_SAMESITE: 'strict', CORS_ORIGINS: 'https://app.example.net' },
      logger: log.logger,
    });
  });
  afterAll(() => t.close());

  it('sets the configured SameSite', async () => {
    expect((await login(t, 'ada@example.com')).cookie).toMatch(/; SameSite=Strict;/);
  });

  it("logs once when an allowlisted page on another site calls: the browser did not send it the cookie", async () => {
    const crossSite = { origin: 'https://app.example.net', 'sec-fetch-site': 'cross-site' };
    await t.gql('{ __typename }', undefined, crossSite);
    await t.gql('{ __typename }', undefined, crossSite);
    await t.gql('{ __typename }', undefined, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    const notices = log.warnings().filter((l) => l.msg.includes('do not send it the session cookie'));
    expect(notices.map((l) => l.msg)).toEqual([expect.stringMatching(/^https:\/\/app\.example\.net is on CORS_ORIGINS/)]);
  });
});

describe('COOKIE_SAMESITE=none over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'true', CORS_ORIGINS: 'https://app.example.net' } });
  });
  afterAll(() => t.close());

  it('sets a Secure, SameSite=None __Host- cookie that authenticates', async () => {
    const { cookie } = await login(t, 'ada@example.com');
    expect(cookie).toMatch(/^__Host-session=[^;]+; HttpOnly; SameSite=None; Path=\/; Max-Age=\d+; Secure$/);
    const res = await t.gql('{ account { __typename } }', undefined, { cookie: cookie.split(';')[0]! });
    expect(res.body.data).toEqual({ account: { __typename: 'Account' } });
  });
});
