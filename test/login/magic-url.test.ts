import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { allowedUrl, parseUrlAllowlist } from '../../src/login/magic-url.js';
import { loginLink } from '../../src/mail/login-mail.js';
import { LIMITED, attemptsOf, queuedMails } from '../abuse/helpers.js';
import { codeFor, guess, linkFor, sendCode, sendLink } from '../helpers/login.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

const APP = 'https://app.example.com';

describe('the allowlist of login links', () => {
  const allowlist = parseUrlAllowlist(`${APP}/auth/, https://other.example.com, http://localhost:*`);

  it.each([
    `${APP}/auth/`,
    `${APP}/auth/callback?next=%2Fhome#top`,
    'https://APP.example.com/auth/x', // hosts are compared as the parser writes them
    'https://other.example.com/anything',
    'http://localhost:5173/login',
  ])('allows %s', (url) => {
    expect(allowedUrl(allowlist, url)).not.toBeNull();
  });

  it.each([
    ['another host', 'https://evil.example/auth/'],
    ['another scheme', 'http://app.example.com/auth/'],
    ['another port', 'https://app.example.com:8443/auth/'],
    ['a path outside the prefix', `${APP}/admin`],
    ['a prefix look-alike', `${APP}/authx`],
    ['dot segments out of the prefix', `${APP}/auth/../admin`],
    ['encoded dot segments out of the prefix', `${APP}/auth/%2e%2e/admin`],
    ['userinfo', 'https://app.example.com@evil.example/auth/'],
    ['userinfo with a password', 'https://app.example.com:x@evil.example/auth/'],
    ['a backslash', 'https://evil.example\\@app.example.com/auth/'],
    ['a backslash for a slash', 'https:\\\\evil.example/auth/'],
    ['javascript:', 'javascript:alert(document.cookie)//https://app.example.com/auth/'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a relative URL', '/auth/'],
    ['a scheme-relative URL', '//evil.example/auth/'],
    ['a blank', `${APP}/auth/ x`],
    ['a leading blank', ` ${APP}/auth/`],
    ['an IDN look-alike (Cyrillic а)', 'https://аpp.example.com/auth/'],
    ['a trailing dot', 'https://app.example.com./auth/'],
    ['a subdomain', 'https://evil.app.example.com/auth/'],
    ['a suffix', 'https://app.example.com.evil.example/auth/'],
    ['localhost over https', 'https://localhost:5173/login'],
    ['not a URL', 'https://'],
  ])('refuses %s', (_, url) => {
    expect(allowedUrl(allowlist, url)).toBeNull();
  });

  it('is configured by MAGIC_URL_ALLOWLIST, which refuses what is not an origin with a path', () => {
    for (const bad of ['app.example.com', 'https://app.example.com/?x=1', 'https://u@app.example.com', 'ftp://x.example', 'https://*.example.com']) {
      expect(() => loadConfig({ MAGIC_URL_ALLOWLIST: bad }), bad).toThrow(/MAGIC_URL_ALLOWLIST/);
    }
  });

  it('defaults to CORS_ORIGINS and this server’s own page (PUBLIC_URL) when it serves one (DEMO_PAGE)', () => {
    const config = loadConfig({ NODE_ENV: 'production', CORS_ORIGINS: APP, PUBLIC_URL: 'https://auth.example.com', DEMO_PAGE: 'on' });
    expect(allowedUrl(config.magicUrl.allowlist, `${APP}/any/page`)).not.toBeNull();
    expect(allowedUrl(config.magicUrl.allowlist, 'https://auth.example.com/')).not.toBeNull();
    expect(config.magicUrl.defaultUrl).toBe('https://auth.example.com');
    expect(loadConfig({ NODE_ENV: 'production' }).magicUrl.defaultUrl).toBeNull();
    expect(loadConfig({ PORT: '4100' }).magicUrl.defaultUrl).toBe('http://localhost:4100/');
    const noPage = loadConfig({ NODE_ENV: 'production', CORS_ORIGINS: APP, PUBLIC_URL: 'https://auth.example.com' }).magicUrl;
    expect(noPage.defaultUrl).toBeNull();
    expect(allowedUrl(noPage.allowlist, 'https://auth.example.com/')).toBeNull();
    expect(loadConfig({ DEMO_PAGE: 'off' }).magicUrl.defaultUrl).toBeNull();
  });
});

describe('loginLink', () => {
  it('adds its parameters to a query that is there already, and keeps the fragment', () => {
    const link = new URL(loginLink(`${APP}/auth/?next=%2Fhome&userId=forged#done`, 'user1', 'f'.repeat(64), '2026-12-02T12:00:00.000Z'));
    expect(link.origin + link.pathname).toBe(`${APP}/auth/`);
    expect(link.hash).toBe('#done');
    expect(link.searchParams.get('next')).toBe('/home');
    expect(link.searchParams.getAll('userId')).toEqual(['user1']);
    expect(link.searchParams.get('secret')).toBe('f'.repeat(64));
    expect(link.searchParams.get('expire')).toBe('2026-12-02T12:00:00.000Z');
  });
});

describe('createMagicURLToken', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { MAGIC_URL_ALLOWLIST: `${APP}/auth/` } });
  });
  afterAll(() => t.close());

  it('mails a link to the page asked for; the page trades it for a session, once', async () => {
    const { token, mail, link, userId, secret } = await linkFor(t, 'ada@example.com', { url: `${APP}/auth/callback?next=%2F#x`, phrase: true });
    expect(token.userId).toBe(userId);
    expect(link.origin + link.pathname).toBe(`${APP}/auth/callback`);
    expect(link.searchParams.get('next')).toBe('/');
    expect(link.hash).toBe('#x');
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(link.searchParams.get('expire')!).getTime()).toBe(new Date(token.expire).getTime());
    expect(new Date(token.expire).getTime() - new Date(token.createdAt).getTime()).toBe(3600_000);
    expect(mail.code).toBeUndefined();
    expect(mail.text).toContain(token.phrase);
    expect(mail.html).toContain(`href="${mail.link!.replaceAll('&', '&amp;')}"`);

    expect((await guess(t, userId, secret)).__typename).toBe('Session');
    expect((await guess(t, userId, secret)).__typename).toBe('InvalidTokenError');
  });

  it('opens one session for 20 concurrent uses of one link', async () => {
    const { userId, secret } = await linkFor(t, 'rush@example.com', { url: `${APP}/auth/` });
    const answers = await Promise.all(Array.from({ length: 20 }, () => guess(t, userId, secret)));
    expect(answers.filter((a) => a.__typename === 'Session')).toHaveLength(1);
    expect(answers.filter((a) => a.__typename === 'InvalidTokenError')).toHaveLength(19);
  });

  it('is replaced by a new code, and replaces a code: one live login code per account', async () => {
    const first = await linkFor(t, 'both@example.com', { url: `${APP}/auth/` });
    const code = await codeFor(t, 'both@example.com');
    expect((await guess(t, first.userId, first.secret)).__typename).toBe('InvalidTokenError');
    const second = await linkFor(t, 'both@example.com', { url: `${APP}/auth/` });
    expect((await guess(t, code.userId, code.code)).__typename).toBe('InvalidTokenError');
    expect((await guess(t, second.userId, second.secret)).__typename).toBe('Session');
  });

  it('dies after MAGIC_URL_TTL_SECONDS and after OTP_MAX_ATTEMPTS wrong guesses', async () => {
    const late = await linkFor(t, 'late@example.com', { url: `${APP}/auth/` });
    t.clock.advance(3601);
    expect((await guess(t, late.userId, late.secret)).__typename).toBe('InvalidTokenError');
    const guessed = await linkFor(t, 'guessed@example.com', { url: `${APP}/auth/` });
    for (let i = 0; i < 5; i++) expect((await guess(t, guessed.userId, 'a'.repeat(64))).__typename).toBe('InvalidTokenError');
    expect((await guess(t, guessed.userId, guessed.secret)).__typename).toBe('InvalidTokenError');
  });

  it.each([
    'https://evil.example/auth/',
    'https://app.example.com@evil.example/auth/',
    'https://evil.example\\@app.example.com/auth/',
    'javascript:alert(1)',
    'data:text/html,hi',
    '/auth/',
    'https://аpp.example.com/auth/',
    `${APP}/admin`,
  ])('refuses %s with UrlNotAllowedError, and sends nothing', async (url) => {
    const email = `refused${Math.random().toString(36).slice(2)}@example.com`;
    expect(await sendLink(t, email, { url })).toMatchObject({ __typename: 'UrlNotAllowedError', code: 'URL_NOT_ALLOWED' });
    expect(await queuedMails(t, email)).toBe(0);
  });

  it('answers a url with control characters as a ValidationError', async () => {
    const answer = await sendLink(t, 'ctl@example.com', { url: `${APP}/auth/\u0000` });
    expect(answer.__typename).toBe('ValidationError');
    expect(answer.issues[0].path).toEqual(['url']);
  });

  it('is not consumed by a GET of the link (what mail scanners do)', async () => {
    // The link opens the app's page; nothing on this server answers it, whoever fetches it.
    const own = await startTestApp({ db: t.db, mail: t.mail, env: { MAGIC_URL_ALLOWLIST: 'http://127.0.0.1:*' } });
    try {
      const origin = new URL(own.url).origin;
      const { userId, secret, link } = await linkFor(own, 'scanned@example.com', { url: `${origin}/` });
      for (const method of ['GET', 'HEAD']) await fetch(link, { method, redirect: 'follow' });
      await fetch(link.toString().replace(`${origin}/`, `${origin}/graphql`), { headers: { accept: 'text/html' } });
      expect(await attemptsOf(own, userId)).toBe(0);
      expect((await guess(own, userId, secret)).__typename).toBe('Session');
    } finally {
      await own.close();
    }
  });
});

describe('createMagicURLToken without a url', () => {
  it('links to this server’s own page (PUBLIC_URL)', async () => {
    const t = await startTestApp({ env: { PUBLIC_URL: 'https://auth.example.com/login' } });
    try {
      const { link } = await linkFor(t, 'own-page@example.com');
      expect(link.origin + link.pathname).toBe('https://auth.example.com/login');
    } finally {
      await t.close();
    }
  });

  it('is a ValidationError on `url` when this server has no page of its own', async () => {
    const t = await startTestApp({ env: { NODE_ENV: 'production', CORS_ORIGINS: APP } });
    try {
      const answer = await sendLink(t, 'no-page@example.com');
      expect(answer).toMatchObject({ __typename: 'ValidationError', code: 'GENERAL_ARGUMENT_INVALID' });
      expect(answer.issues[0].path).toEqual(['url']);
      expect(await queuedMails(t, 'no-page@example.com')).toBe(0);
    } finally {
      await t.close();
    }
  });
});

describe('createMagicURLToken and the rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...LIMITED, MAGIC_URL_ALLOWLIST: `${APP}/auth/` } });
  });
  afterAll(() => t.close());

  it('shares the resend cool-down with codes, both ways', async () => {
    expect((await sendCode(t, 'shared@example.com')).__typename).toBe('Token');
    expect(await sendLink(t, 'shared@example.com', { url: `${APP}/auth/` })).toMatchObject({ __typename: 'RateLimitError' });
    expect((await sendLink(t, 'shared2@example.com', { url: `${APP}/auth/` })).__typename).toBe('Token');
    expect(await sendCode(t, 'shared2@example.com')).toMatchObject({ __typename: 'RateLimitError' });
  });

  it('counts an address’s links and codes together', async () => {
    const ip = '203.0.113.50';
    for (let i = 0; i < 50; i++) await sendCode(t, `ip-code${i}@example.com`, { ip });
    for (let i = 0; i < 50; i++) await sendLink(t, `ip-link${i}@example.com`, { ip, url: `${APP}/auth/` });
    expect(await sendLink(t, 'ip-over@example.com', { ip, url: `${APP}/auth/` })).toMatchObject({ __typename: 'RateLimitError' });
    expect(await sendCode(t, 'ip-over2@example.com', { ip })).toMatchObject({ __typename: 'RateLimitError' });
  });

  it('refuses a blocked account, and a userId taken by another email', async () => {
    const { userId } = await codeFor(t, 'owner@example.com', { userId: 'taken-by-owner' });
    expect(await sendLink(t, 'other@example.com', { userId, url: `${APP}/auth/` })).toMatchObject({ __typename: 'UserConflictError' });
    await t.db.db.execute(sql`UPDATE users SET status = 'blocked' WHERE id = ${userId}`);
    t.clock.advance(61); // past the resend cool-down of the code above
    expect(await sendLink(t, 'owner@example.com', { url: `${APP}/auth/` })).toMatchObject({ __typename: 'UserBlockedError' });
    expect(await queuedMails(t, 'owner@example.com')).toBe(1);
  });
});
