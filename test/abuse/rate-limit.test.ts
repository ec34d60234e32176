import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import {
  LIMITED,
  attemptsOf,
  codeFor,
  freshIp,
  guess,
  pointsOf,
  queuedMails,
  sendCode,
  sessionsOf,
  wrong,
} from './helpers.js';

describe('with the default limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    // More attempts per code than the per-account limit, to show the limit on its own.
    t = await startTestApp({ env: { ...LIMITED, OTP_MAX_ATTEMPTS: '20' } });
  });
  afterAll(() => t.close());

  it('allows one code per email per minute and answers the second with retryAfter; nothing else happens', async () => {
    const ip = freshIp();
    const started = Date.now();
    const first = await sendCode(t, 'cooldown@example.com', ip);
    expect(first.__typename).toBe('Token');

    const again = await sendCode(t, 'cooldown@example.com', freshIp());
    expect(again).toMatchObject({ __typename: 'RateLimitError', code: 'GENERAL_RATE_LIMIT_EXCEEDED' });
    expect(again.retryAfter).toBeLessThanOrEqual(60);
    expect(again.retryAfter).toBeGreaterThanOrEqual(60 - Math.ceil((Date.now() - started) / 1000));
    expect(Number.isInteger(again.retryAfter)).toBe(true);

    // No second mail, the first code is still the live one, and the refusal cost no other limit.
    expect(await queuedMails(t, 'cooldown@example.com')).toBe(1);
    const mail = await t.mail.next('cooldown@example.com');
    expect(await pointsOf(t, 'email-token:email:cooldown@example.com')).toBe(1);
    expect(await pointsOf(t, `email-token:ip:${ip}`)).toBe(1);
    expect((await guess(t, first.userId, mail.code!, ip)).__typename).toBe('Session');
  });

  it('counts the email after trimming and lower-casing, so case does not open a second window', async () => {
    const ip = freshIp();
    expect((await sendCode(t, 'case@example.com', ip)).__typename).toBe('Token');
    expect((await sendCode(t, '  CASE@Example.com ', ip)).__typename).toBe('RateLimitError');
  });

  it('counts every aliased call in one request', async () => {
    const ip = freshIp();
    const res = await t.gql(
      `mutation ($e: String!) {
        a: createEmailToken(userId: "unique()", email: $e) { __typename ... on RateLimitError { retryAfter } }
        b: createEmailToken(userId: "unique()", email: $e) { __typename ... on RateLimitError { retryAfter } }
        c: createEmailToken(userId: "unique()", email: $e) { __typename ... on RateLimitError { retryAfter } }
      }`,
      { e: 'aliases@example.com' },
      { 'x-forwarded-for': ip },
    );
    const kinds = Object.values(res.body.data!).map((r: any) => r.__typename).sort();
    expect(kinds).toEqual(['RateLimitError', 'RateLimitError', 'Token']);
    expect(await queuedMails(t, 'aliases@example.com')).toBe(1);
  });

  it('refuses the 11th wrong guess on an account from one IP; the code kept its remaining attempts', async () => {
    const ip = freshIp();
    const { userId, code } = await codeFor(t, 'guesser@example.com');
    for (let i = 0; i < 10; i++) expect((await guess(t, userId, wrong(code), ip)).__typename).toBe('InvalidTokenError');
    expect(await attemptsOf(t, userId)).toBe(10);
    const refused = await guess(t, userId, code, ip);
    expect(refused.__typename).toBe('RateLimitError');
    expect(refused.retryAfter).toBeGreaterThan(3500);
    expect(refused.retryAfter).toBeLessThanOrEqual(3600);
    expect(await attemptsOf(t, userId)).toBe(10);
    // Another network can still log in with the right code, which clears its own counter only.
    const other = freshIp();
    expect((await guess(t, userId, wrong(code), other)).__typename).toBe('InvalidTokenError');
    expect((await guess(t, userId, code, other)).__typename).toBe('Session');
    expect(await pointsOf(t, `session:user-ip:${other}|${userId}`)).toBe(0);
    expect(await pointsOf(t, `session:user-ip:${ip}|${userId}`)).toBe(10);
  });
});

describe('with small limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...LIMITED,
        RATE_LIMIT_EMAIL_TOKEN_RESEND: '100/3600',
        RATE_LIMIT_EMAIL_TOKEN_EMAIL: '3/3600',
        RATE_LIMIT_EMAIL_TOKEN_IP: '5/3600',
        RATE_LIMIT_SESSION_USER_IP: '3/3600',
        RATE_LIMIT_SESSION_IP: '6/3600',
      },
    });
  });
  afterAll(() => t.close());

  it('caps codes per email whatever the IP', async () => {
    for (let i = 0; i < 3; i++) expect((await sendCode(t, 'hourly@example.com', freshIp())).__typename).toBe('Token');
    const refused = await sendCode(t, 'hourly@example.com', freshIp());
    expect(refused.__typename).toBe('RateLimitError');
    expect(refused.retryAfter).toBeGreaterThan(3500);
    expect(await queuedMails(t, 'hourly@example.com')).toBe(3);
  });

  it('caps codes per IP whatever the email, and a refused call takes no point from the email', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await sendCode(t, `ip${i}@example.com`, ip)).__typename).toBe('Token');
    expect((await sendCode(t, 'ip5@example.com', ip)).__typename).toBe('RateLimitError');
    expect(await queuedMails(t, 'ip5@example.com')).toBe(0);
    expect(await pointsOf(t, 'email-token:email:ip5@example.com')).toBe(0);
    expect(await pointsOf(t, 'email-token:email-resend:ip5@example.com')).toBe(0);
    expect((await sendCode(t, 'ip5@example.com', freshIp())).__typename).toBe('Token');
  });

  it('caps guesses per IP and account; a refused guess is not counted against the code', async () => {
    const ip = freshIp();
    const { userId, code } = await codeFor(t, 'user-ip@example.com');
    for (let i = 0; i < 3; i++) expect((await guess(t, userId, wrong(code), ip)).__typename).toBe('InvalidTokenError');
    expect((await guess(t, userId, code, ip)).__typename).toBe('RateLimitError');
    expect(await attemptsOf(t, userId)).toBe(3);
    expect(await pointsOf(t, `session:ip:${ip}`)).toBe(3);
    expect(await sessionsOf(t, userId)).toBe(0);
  });

  it('forgives earlier wrong guesses after a successful login', async () => {
    const ip = freshIp();
    const first = await codeFor(t, 'forgiven@example.com');
    for (let i = 0; i < 2; i++) await guess(t, first.userId, wrong(first.code), ip);
    expect((await guess(t, first.userId, first.code, ip)).__typename).toBe('Session');
    expect(await pointsOf(t, `session:user-ip:${ip}|${first.userId}`)).toBe(0);
    const second = await codeFor(t, 'forgiven@example.com');
    for (let i = 0; i < 3; i++) expect((await guess(t, second.userId, wrong(second.code), ip)).__typename).toBe('InvalidTokenError');
  });

  it('caps guesses per IP across accounts', async () => {
    const ip = freshIp();
    const users = await Promise.all([0, 1, 2].map((i) => codeFor(t, `per-ip${i}@example.com`)));
    for (const user of users) {
      for (let i = 0; i < 2; i++) expect((await guess(t, user.userId, wrong(user.code), ip)).__typename).toBe('InvalidTokenError');
    }
    const refused = await guess(t, users[0]!.userId, users[0]!.code, ip);
    expect(refused.__typename).toBe('RateLimitError');
    expect(await pointsOf(t, `session:user-ip:${ip}|${users[0]!.userId}`)).toBe(2);
  });
});

// RateLimiterDrizzle reads Date.now(); the app runs in this process, so a fake Date moves its windows
// exactly (timers stay real: HTTP, the database and the mail sink are unaffected).
describe('windows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: LIMITED });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
  });
  afterEach(() => vi.useRealTimers());
  const advance = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

  it('the resend cool-down ends after 60 s, with retryAfter counting down', async () => {
    const ip = freshIp();
    expect((await sendCode(t, 'window@example.com', ip)).__typename).toBe('Token');
    expect(await sendCode(t, 'window@example.com', ip)).toMatchObject({ __typename: 'RateLimitError', retryAfter: 60 });
    advance(59.5);
    expect(await sendCode(t, 'window@example.com', ip)).toMatchObject({ __typename: 'RateLimitError', retryAfter: 1 });
    advance(0.6);
    expect((await sendCode(t, 'window@example.com', ip)).__typename).toBe('Token');
  });

  it('the per-account guess limit ends after an hour', async () => {
    const ip = freshIp();
    const { userId, code } = await codeFor(t, 'window-guess@example.com');
    for (let i = 0; i < 10; i++) expect((await guess(t, userId, wrong(code), ip)).__typename).toBe('InvalidTokenError');
    expect(await guess(t, userId, code, ip)).toMatchObject({ __typename: 'RateLimitError', retryAfter: 3600 });
    advance(3600.1);
    // Allowed again; the code itself died after OTP_MAX_ATTEMPTS wrong guesses (and expired).
    expect((await guess(t, userId, code, ip)).__typename).toBe('InvalidTokenError');
  });
});

describe('RATE_LIMIT=off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT: 'off' } });
  });
  afterAll(() => t.close());

  it('lets repeated codes through and writes no counters', async () => {
    for (let i = 0; i < 3; i++) expect((await sendCode(t, 'unlimited@example.com', '127.0.0.1')).__typename).toBe('Token');
    expect(await pointsOf(t, 'email-token:email-resend:unlimited@example.com')).toBe(0);
  });
});
