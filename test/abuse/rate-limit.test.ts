import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { sleep } from '../helpers/wait.js';
import { LIMITED, attemptsOf, keys, pointsOf, query, queuedMails, sessionsOf } from './helpers.js';
import { codeFor, freshIp, guess, login, sendCode, wrong } from '../helpers/login.js';

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
    const first = await sendCode(t, 'cooldown@example.com', { ip: ip });
    expect(first.__typename).toBe('Token');

    const again = await sendCode(t, 'cooldown@example.com');
    expect(again).toMatchObject({ __typename: 'RateLimitError', code: 'GENERAL_RATE_LIMIT_EXCEEDED' });
    expect(again.retryAfter).toBeLessThanOrEqual(60);
    expect(again.retryAfter).toBeGreaterThanOrEqual(60 - Math.ceil((Date.now() - started) / 1000));
    expect(Number.isInteger(again.retryAfter)).toBe(true);

    // No second mail, the first code is still the live one, and the refusal cost no other limit.
    expect(await queuedMails(t, 'cooldown@example.com')).toBe(1);
    const mail = await t.mail.next('cooldown@example.com');
    expect(await pointsOf(t, keys.email('emailTokenEmail', 'cooldown@example.com'))).toBe(1);
    expect(await pointsOf(t, keys.ip('emailTokenIp', ip))).toBe(1);
    expect((await guess(t, first.userId, mail.code!, { ip: ip })).__typename).toBe('Session');
  });

  it('counts the email after trimming and lower-casing, so case does not open a second window', async () => {
    const ip = freshIp();
    expect((await sendCode(t, 'case@example.com', { ip: ip })).__typename).toBe('Token');
    expect((await sendCode(t, '  CASE@Example.com ', { ip: ip })).__typename).toBe('RateLimitError');
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
    for (let i = 0; i < 10; i++) expect((await guess(t, userId, wrong(code), { ip: ip })).__typename).toBe('InvalidTokenError');
    expect(await attemptsOf(t, userId)).toBe(10);
    const refused = await guess(t, userId, code, { ip: ip });
    expect(refused.__typename).toBe('RateLimitError');
    expect(refused.retryAfter).toBeGreaterThan(3500);
    expect(refused.retryAfter).toBeLessThanOrEqual(3600);
    expect(await attemptsOf(t, userId)).toBe(10);
    // Another network can still log in with the right code, which clears its own counter only.
    const other = freshIp();
    expect((await guess(t, userId, wrong(code), { ip: other })).__typename).toBe('InvalidTokenError');
    expect((await guess(t, userId, code, { ip: other })).__typename).toBe('Session');
    expect(await pointsOf(t, keys.userIp(userId, other))).toBe(0);
    expect(await pointsOf(t, keys.userIp(userId, ip))).toBe(10);
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
    for (let i = 0; i < 3; i++) expect((await sendCode(t, 'hourly@example.com')).__typename).toBe('Token');
    const refused = await sendCode(t, 'hourly@example.com');
    expect(refused.__typename).toBe('RateLimitError');
    expect(refused.retryAfter).toBeGreaterThan(3500);
    expect(await queuedMails(t, 'hourly@example.com')).toBe(3);
  });

  it('caps codes per IP whatever the email, and a refused call takes no point from the email', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await sendCode(t, `ip${i}@example.com`, { ip: ip })).__typename).toBe('Token');
    expect((await sendCode(t, 'ip5@example.com', { ip: ip })).__typename).toBe('RateLimitError');
    expect(await queuedMails(t, 'ip5@example.com')).toBe(0);
    expect(await pointsOf(t, keys.email('emailTokenEmail', 'ip5@example.com'))).toBe(0);
    expect(await pointsOf(t, keys.email('emailTokenResend', 'ip5@example.com'))).toBe(0);
    expect((await sendCode(t, 'ip5@example.com')).__typename).toBe('Token');
  });

  it('caps guesses per IP and account; a refused guess is not counted against the code', async () => {
    const ip = freshIp();
    const { userId, code } = await codeFor(t, 'user-ip@example.com');
    for (let i = 0; i < 3; i++) expect((await guess(t, userId, wrong(code), { ip: ip })).__typename).toBe('InvalidTokenError');
    expect((await guess(t, userId, code, { ip: ip })).__typename).toBe('RateLimitError');
    expect(await attemptsOf(t, userId)).toBe(3);
    expect(await pointsOf(t, keys.ip('sessionIp', ip))).toBe(3);
    expect(await sessionsOf(t, userId)).toBe(0);
  });

  it('forgives earlier wrong guesses after a successful login', async () => {
    const ip = freshIp();
    const first = await codeFor(t, 'forgiven@example.com');
    for (let i = 0; i < 2; i++) await guess(t, first.userId, wrong(first.code), { ip: ip });
    expect((await guess(t, first.userId, first.code, { ip: ip })).__typename).toBe('Session');
    expect(await pointsOf(t, keys.userIp(first.userId, ip))).toBe(0);
    const second = await codeFor(t, 'forgiven@example.com');
    for (let i = 0; i < 3; i++) expect((await guess(t, second.userId, wrong(second.code), { ip: ip })).__typename).toBe('InvalidTokenError');
  });

  it('caps guesses per IP across accounts', async () => {
    const ip = freshIp();
    const users = await Promise.all([0, 1, 2].map((i) => codeFor(t, `per-ip${i}@example.com`)));
    for (const user of users) {
      for (let i = 0; i < 2; i++) expect((await guess(t, user.userId, wrong(user.code), { ip: ip })).__typename).toBe('InvalidTokenError');
    }
    const refused = await guess(t, users[0]!.userId, users[0]!.code, { ip: ip });
    expect(refused.__typename).toBe('RateLimitError');
    expect(await pointsOf(t, keys.userIp(users[0]!.userId, ip))).toBe(2);
  });
});

// The limits read the app's clock, which stands still in these tests until moved.
describe('windows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: LIMITED });
  });
  afterAll(() => t.close());

  it('the resend cool-down ends after 60 s, with retryAfter counting down', async () => {
    const ip = freshIp();
    expect((await sendCode(t, 'window@example.com', { ip: ip })).__typename).toBe('Token');
    expect(await sendCode(t, 'window@example.com', { ip: ip })).toMatchObject({ __typename: 'RateLimitError', retryAfter: 60 });
    t.clock.advance(59.5);
    expect(await sendCode(t, 'window@example.com', { ip: ip })).toMatchObject({ __typename: 'RateLimitError', retryAfter: 1 });
    t.clock.advance(0.6);
    expect((await sendCode(t, 'window@example.com', { ip: ip })).__typename).toBe('Token');
  });

  it('the per-account guess limit slides: guesses are freed one by one as they turn an hour old', async () => {
    const ip = freshIp();
    const { userId, code } = await codeFor(t, 'window-guess@example.com');
    // Five guesses now, five more half an hour later: the limit (10 per hour) is full.
    for (let i = 0; i < 5; i++) expect((await guess(t, userId, wrong(code), { ip: ip })).__typename).toBe('InvalidTokenError');
    t.clock.advance(1800);
    const code2 = (await codeFor(t, 'window-guess@example.com')).code;
    for (let i = 0; i < 5; i++) expect((await guess(t, userId, wrong(code2), { ip: ip })).__typename).toBe('InvalidTokenError');
    expect(await guess(t, userId, code2, { ip: ip })).toMatchObject({ __typename: 'RateLimitError', retryAfter: 1800 });
    // A fixed window would have started afresh at the hour; a sliding one frees the first five only.
    t.clock.advance(1800.1);
    expect(await pointsOf(t, keys.userIp(userId, ip))).toBe(5);
    const code3 = (await codeFor(t, 'window-guess@example.com')).code;
    for (let i = 0; i < 5; i++) expect((await guess(t, userId, wrong(code3), { ip: ip })).__typename).toBe('InvalidTokenError');
    expect(await guess(t, userId, wrong(code3), { ip: ip })).toMatchObject({ __typename: 'RateLimitError', retryAfter: 1800 });
  });
});

/**
 * The attack that broke the fixed windows: bursts of parallel calls for one victim, fired without
 * pause across several window edges, on a clock that runs. A trigger (test-only instrumentation)
 * logs every hit the limits count, so the guarantee is checked exactly: between a counted call and
 * the one `POINTS` places later, at least the window's length passes, i.e. no window of `WINDOW_S`,
 * wherever it starts, holds more than `POINTS`.
 */
describe('sliding windows under parallel bursts at their edges', () => {
  const WINDOW_S = 2;
  const POINTS = 3;
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      clock: 'running',
      env: {
        ...LIMITED,
        RATE_LIMIT_EMAIL_TOKEN_RESEND: `100/${WINDOW_S}`,
        RATE_LIMIT_EMAIL_TOKEN_EMAIL: `${POINTS}/${WINDOW_S}`,
        RATE_LIMIT_EMAIL_TOKEN_IP: '10000/3600',
        RATE_LIMIT_SESSION_USER_IP: `${POINTS}/${WINDOW_S}`,
        RATE_LIMIT_SESSION_IP: '10000/3600',
        OTP_MAX_ATTEMPTS: '100',
      },
    });
    await t.db.db.execute(sql`CREATE TABLE test_hit_log (key text NOT NULL, at timestamptz NOT NULL)`);
    await t.db.db.execute(sql`
      CREATE FUNCTION test_log_hits() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO test_hit_log SELECT NEW.key, h FROM (SELECT unnest(NEW.hits) EXCEPT ALL SELECT unnest(OLD.hits)) AS added(h);
        RETURN NEW;
      END $$`);
    await t.db.db.execute(sql`CREATE TRIGGER test_log_hits AFTER UPDATE ON rate_limits FOR EACH ROW EXECUTE FUNCTION test_log_hits()`);
  });
  afterAll(() => t.close());

  /**
   * The attack: a call, then 150 parallel ones fired 300 ms before the key's oldest hit leaves its
   * window (where a fixed window would have ended), three times; then bursts of 60 back to back for
   * two more windows.
   */
  async function attack(key: string, call: () => Promise<unknown>) {
    for (let round = 0; round < 3; round++) {
      await call();
      const [edge] = await query<{ ms: number | string }>(
        t,
        sql`SELECT (extract(epoch FROM hits[1]) * 1000 + ${WINDOW_S * 1000})::float8 AS ms FROM rate_limits WHERE key = ${key}`,
      );
      await sleep(Number(edge!.ms) - Date.now() - 300);
      await Promise.all(Array.from({ length: 150 }, call));
    }
    const end = Date.now() + 2 * WINDOW_S * 1000;
    while (Date.now() < end) await Promise.all(Array.from({ length: 60 }, call));
  }

  /** The counted hits of `key`, in ms, checked against the sliding bound. */
  async function assertSliding(key: string): Promise<number> {
    const rows = await query<{ ms: number | string }>(
      t,
      sql`SELECT (extract(epoch FROM at) * 1000)::float8 AS ms FROM test_hit_log WHERE key = ${key} ORDER BY at`,
    );
    const hits = rows.map((r) => Number(r.ms));
    for (let i = 0; i + POINTS < hits.length; i++) {
      expect(hits[i + POINTS]! - hits[i]!, `hits ${i} and ${i + POINTS} of ${hits.length}`).toBeGreaterThanOrEqual(WINDOW_S * 1000);
    }
    return hits.length;
  }

  it('createEmailToken: at most POINTS codes per email in any window; refused calls count nothing', async () => {
    const email = 'burst-victim@example.com';
    const key = keys.email('emailTokenEmail', email);
    await attack(key, () => sendCode(t, email));
    const [mails] = await query<{ n: number }>(t, sql`SELECT count(*)::int AS n FROM outbox WHERE recipient = ${email}`);
    // Codes went out in several windows: the edges were really crossed.
    expect(mails!.n).toBeGreaterThanOrEqual(2 * POINTS);
    // Every mail is one counted hit, and the hits keep the sliding bound exactly.
    expect(await assertSliding(key)).toBe(mails!.n);
  });

  it('createSession: at most POINTS evaluated guesses per address and account in any window', async () => {
    const { userId, code } = await codeFor(t, 'burst-guessed@example.com');
    const ip = freshIp();
    const key = keys.userIp(userId, ip);
    await attack(key, () => guess(t, userId, wrong(code), { ip: ip }));
    const evaluated = (await attemptsOf(t, userId))!;
    expect(evaluated).toBeGreaterThanOrEqual(2 * POINTS);
    expect(await assertSliding(key)).toBe(evaluated);
  });
});

describe('RATE_LIMIT=off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT: 'off' } });
  });
  afterAll(() => t.close());

  it('lets repeated codes through and writes no counters', async () => {
    for (let i = 0; i < 3; i++) expect((await sendCode(t, 'unlimited@example.com', { ip: '127.0.0.1' })).__typename).toBe('Token');
    expect(await pointsOf(t, keys.email('emailTokenResend', 'unlimited@example.com'))).toBe(0);
  });
});

describe('keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { ...LIMITED, RATE_LIMIT_EMAIL_TOKEN_IP: '2/3600', RATE_LIMIT_EMAIL_TOKEN_RESEND: '100/60' },
    });
  });
  afterAll(() => t.close());

  it('one IPv6 address is one budget however it is written, and so is a whole /64', async () => {
    const spellings = ['2001:DB8:7::1', '2001:db8:7::1', '2001:db8:7:0:0:0:0:1'];
    expect((await sendCode(t, 'v6-a@example.com', { ip: spellings[0]! })).__typename).toBe('Token');
    expect((await sendCode(t, 'v6-b@example.com', { ip: spellings[1]! })).__typename).toBe('Token');
    expect((await sendCode(t, 'v6-c@example.com', { ip: spellings[2]! })).__typename).toBe('RateLimitError');
    // Another address of the same /64: the same subscriber.
    expect((await sendCode(t, 'v6-d@example.com', { ip: '2001:db8:7:0:dead:beef:1:2' })).__typename).toBe('RateLimitError');
    // The next /64 is someone else.
    expect((await sendCode(t, 'v6-e@example.com', { ip: '2001:db8:7:1::1' })).__typename).toBe('Token');
  });

  it('an IPv4-mapped IPv6 address is the IPv4 address', async () => {
    expect((await sendCode(t, 'v4-a@example.com', { ip: '192.0.2.77' })).__typename).toBe('Token');
    expect((await sendCode(t, 'v4-b@example.com', { ip: '::ffff:192.0.2.77' })).__typename).toBe('Token');
    expect((await sendCode(t, 'v4-c@example.com', { ip: '192.0.2.77' })).__typename).toBe('RateLimitError');
  });

  it('rate_limits names nobody: no email address, user id or IP address in any key', async () => {
    const { userId } = await codeFor(t, 'private.person@example.com');
    await guess(t, userId, '000000', { ip: '203.0.113.99' });
    const rows = await query<{ key: string }>(t, sql`SELECT key FROM rate_limits`);
    expect(rows.length).toBeGreaterThan(0);
    for (const { key } of rows) expect(key).toMatch(/^[a-z-]+:[a-z-]+:[0-9a-f]{32}$/);
    const text = JSON.stringify(rows);
    for (const secret of ['private.person', 'example.com', userId, '203.0.113.99', '2001:db8', '192.0.2.77']) {
      expect(text).not.toContain(secret);
    }
  });
});
