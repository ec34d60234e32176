import { ID } from 'appwrite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITED, attemptsOf, queuedMails, sessionsOf } from '../abuse/helpers.js';
import { codeFor, login, sendCode, wrong } from '../helpers/login.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { failure, sdk, v1 } from './helpers.js';

// The same limits, attempt cap and blocked-account rules as GraphQL, because /v1 calls the same
// services: the abuse scenarios of test/abuse/, through the SDK. Limits on, defaults otherwise.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: LIMITED });
});
afterAll(() => t.close());

const block = (userId: string) => t.db.db.execute(sql`UPDATE users SET status = 'blocked' WHERE id = ${userId}`);

describe('abuse through /v1', () => {
  it('brute force: the code dies after OTP_MAX_ATTEMPTS wrong guesses, then the client is rate-limited', async () => {
    const { userId, code } = await codeFor(t, 'brute@example.com');
    const { account } = sdk(t);
    // Five different wrong codes of the right length.
    const guesses = [1, 2, 3, 4, 5].map((n) => String((Number(code) + n) % 10 ** code.length).padStart(code.length, '0'));
    for (const guess of guesses) {
      const error = await failure(account.createSession({ userId, secret: guess }));
      expect([error.type, error.code]).toEqual(['user_invalid_token', 401]);
    }
    expect(await attemptsOf(t, userId)).toBe(5);
    // The right code, too late: the same answer as a wrong one, and no session.
    const late = await failure(account.createSession({ userId, secret: code }));
    expect([late.type, late.code]).toEqual(['user_invalid_token', 401]);
    expect(await sessionsOf(t, userId)).toBe(0);
    // RATE_LIMIT_SESSION_USER_IP (10/3600): the 11th guess of this client at this account is refused.
    for (let i = 0; i < 4; i++) await failure(account.createSession({ userId, secret: code }));
    const limited = await failure(account.createSession({ userId, secret: code }));
    expect([limited.type, limited.code]).toEqual(['general_rate_limit_exceeded', 429]);
  });

  it('resend cool-down: a second code within 60 s is a 429 with Retry-After and X-RateLimit-*', async () => {
    const { account } = sdk(t);
    const token = await account.createEmailToken({ userId: ID.unique(), email: 'resend@example.com' });
    const error = await failure(account.createEmailToken({ userId: ID.unique(), email: 'resend@example.com' }));
    expect([error.type, error.code]).toEqual(['general_rate_limit_exceeded', 429]);
    expect(error.message).toMatch(/try again in \d+ s/);

    const res = await v1(t, 'POST', '/account/tokens/email', { json: { userId: token.userId, email: 'resend@example.com' } });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get('x-ratelimit-limit')).toBe('10');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBe(Math.ceil(t.clock.now().getTime() / 1000) + retryAfter);
    expect(res.json).toMatchObject({ code: 429, type: 'general_rate_limit_exceeded' });
    expect(await queuedMails(t, 'resend@example.com')).toBe(1);
  });

  it('counts /v1 and GraphQL, codes and links together: a code asked for on /graphql starts the cool-down on /v1', async () => {
    expect((await sendCode(t, 'both@example.com')).__typename).toBe('Token');
    const error = await failure(sdk(t).account.createEmailToken({ userId: ID.unique(), email: 'both@example.com' }));
    expect([error.type, error.code]).toEqual(['general_rate_limit_exceeded', 429]);
    // Login links count with codes, on /v1 as on /graphql.
    const link = await failure(
      sdk(t).account.createMagicURLToken({ userId: ID.unique(), email: 'both@example.com', url: 'http://localhost:5173/callback' }),
    );
    expect([link.type, link.code]).toEqual(['general_rate_limit_exceeded', 429]);
  });

  it('a blocked account gets user_blocked and no mail, no session, and its sessions stop working', async () => {
    const { userId, secret } = await login(t, 'blocked@example.com');
    // Past the resend cool-down of the login's code, and of the next one.
    await t.db.db.execute(sql`DELETE FROM rate_limits`);
    const { code } = await codeFor(t, 'blocked@example.com');
    await t.db.db.execute(sql`DELETE FROM rate_limits`);
    await block(userId);
    const mails = await queuedMails(t, 'blocked@example.com');

    const send = await failure(sdk(t).account.createEmailToken({ userId: ID.unique(), email: 'blocked@example.com' }));
    expect([send.type, send.code]).toEqual(['user_blocked', 401]);
    expect(await queuedMails(t, 'blocked@example.com')).toBe(mails);

    // Only the right code learns that the account is blocked.
    const guessed = await failure(sdk(t).account.createSession({ userId, secret: wrong(code) }));
    expect([guessed.type, guessed.code]).toEqual(['user_invalid_token', 401]);
    const right = await failure(sdk(t).account.createSession({ userId, secret: code }));
    expect([right.type, right.code]).toEqual(['user_blocked', 401]);
    expect(await sessionsOf(t, userId)).toBe(1);

    const get = await failure(sdk(t, secret).account.get());
    expect([get.type, get.code]).toEqual(['user_unauthorized', 401]);
  });
});
