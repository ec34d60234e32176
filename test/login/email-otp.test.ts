import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../helpers/database.js';
import { CREATE_EMAIL_TOKEN, CREATE_SESSION, type TestApp, startTestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const UA_FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

async function sendCode(email: string, userId = 'unique()', phrase?: boolean, headers?: Record<string, string>) {
  const res = await t.gql(CREATE_EMAIL_TOKEN, { userId, email, phrase }, headers);
  expect(res.status).toBe(200);
  return res.body.data!.createEmailToken;
}

async function login(userId: string, secret: string, headers?: Record<string, string>) {
  const res = await t.gql(CREATE_SESSION, { userId, secret }, headers);
  expect(res.status).toBe(200);
  return res.body.data!.createSession;
}

const query = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await t.db.db.execute(text));
const count = async (text: ReturnType<typeof sql>) => (await query<{ n: number }>(text))[0]!.n;

describe('createEmailToken', () => {
  it('creates the account and mails a 6-digit code naming the app and who asked', async () => {
    const token = await sendCode('new.user@example.com', 'unique()', false, { 'user-agent': UA_FIREFOX_LINUX });
    expect(token.__typename).toBe('Token');
    expect(token.userId).toMatch(/^[0-9a-f]{20}$/);
    expect(token.phrase).toBeNull();
    expect(new Date(token.expire).getTime() - new Date(token.createdAt).getTime()).toBe(900_000);

    const mail = await t.mail.next('new.user@example.com');
    expect(mail.code).toMatch(/^\d{6}$/);
    expect(mail.subject).toContain('Acme');
    expect(mail.from).toBe('login@otpql.test');
    expect(mail.text).toContain('15 minutes');
    expect(mail.text).toContain('Requested from Firefox on Linux, IP 127.0.0.1');
    expect(mail.html).toContain(mail.code);

    const [user] = await query<{ email_verification: boolean; status: string }>(
      sql`SELECT email_verification, status FROM users WHERE id = ${token.userId}`,
    );
    expect(user).toEqual({ email_verification: false, status: 'active' });
  });

  it('trims and lower-cases the email, and keeps the real id of a known email', async () => {
    const first = await sendCode('  Mixed.Case@Example.COM ', 'custom-id_1');
    expect(first.userId).toBe('custom-id_1');
    await t.mail.next('mixed.case@example.com');
    const again = await sendCode('mixed.case@example.com', 'some-other-id');
    expect(again.userId).toBe('custom-id_1');
    await t.mail.next('mixed.case@example.com');
  });

  it('refuses an id that belongs to another email', async () => {
    await sendCode('owner@example.com', 'taken-id');
    await t.mail.next('owner@example.com');
    const result = await sendCode('someone.else@example.com', 'taken-id');
    expect(result).toMatchObject({ __typename: 'UserConflictError', code: 'USER_ALREADY_EXISTS' });
    expect(await count(sql`SELECT count(*)::int AS n FROM users WHERE email = 'someone.else@example.com'`)).toBe(0);
  });

  it('returns a two-word security phrase and prints it in the mail', async () => {
    const token = await sendCode('phrase@example.com', 'unique()', true);
    expect(token.phrase).toMatch(/^[A-Z][a-z]+ [a-z]+$/);
    const mail = await t.mail.next('phrase@example.com');
    expect(mail.text).toContain(token.phrase);
    expect(mail.html).toContain(token.phrase);
  });

  it.each([
    ['email', { userId: 'unique()', email: 'not-an-email' }],
    ['email', { userId: 'unique()', email: '' }],
    ['email', { userId: 'unique()', email: `${'a'.repeat(250)}@example.com` }],
    ['userId', { userId: '.starts-with-dot', email: 'a@example.com' }],
    ['userId', { userId: '-dash', email: 'a@example.com' }],
    ['userId', { userId: '_under', email: 'a@example.com' }],
    ['userId', { userId: 'x'.repeat(37), email: 'a@example.com' }],
    ['userId', { userId: 'has space', email: 'a@example.com' }],
    ['userId', { userId: '', email: 'a@example.com' }],
    ['userId', { userId: 'ünïcode', email: 'a@example.com' }],
  ])('answers ValidationError for a bad %s (%j)', async (path, variables) => {
    const res = await t.gql(CREATE_EMAIL_TOKEN, variables);
    const result = res.body.data!.createEmailToken;
    expect(result.__typename).toBe('ValidationError');
    expect(result.code).toBe('GENERAL_ARGUMENT_INVALID');
    expect(result.issues.map((i: { path: string[] }) => i.path[0])).toContain(path);
  });

  it('answers a missing argument with a GraphQL validation error, not a 5xx', async () => {
    const res = await t.gql('mutation { createEmailToken(email: "a@example.com") { __typename } }');
    expect(res.status).toBeLessThan(500);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]?.message).toMatch(/userId/);
  });

  it('stores only a keyed hash of the code', async () => {
    const token = await sendCode('hash@example.com');
    const mail = await t.mail.next('hash@example.com');
    const rows = await query<Record<string, unknown>>(sql`SELECT * FROM tokens WHERE user_id = ${token.userId}`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(mail.code);
    expect(rows[0]!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('createSession', () => {
  it('trades the code for a session and marks the email verified', async () => {
    const token = await sendCode('login@example.com');
    const { code } = await t.mail.next('login@example.com');
    const session = await login(token.userId, code!, { 'user-agent': UA_FIREFOX_LINUX });
    expect(session).toMatchObject({
      __typename: 'Session',
      userId: token.userId,
      provider: 'email',
      providerUid: 'login@example.com',
      factors: ['email'],
      ip: '127.0.0.1',
      clientName: 'Firefox',
      osName: 'Linux',
      current: true,
    });
    expect(new Date(session.expire).getTime() - new Date(session.createdAt).getTime()).toBe(31_536_000_000);
    expect(Buffer.from(session.secret, 'base64url')).toHaveLength(32);

    const [user] = await query<{ email_verification: boolean }>(sql`SELECT email_verification FROM users WHERE id = ${token.userId}`);
    expect(user!.email_verification).toBe(true);
    const stored = await query<Record<string, unknown>>(sql`SELECT * FROM sessions WHERE id = ${session.id}`);
    expect(JSON.stringify(stored)).not.toContain(session.secret);
  });

  it('accepts a code only once', async () => {
    const { userId, code } = await t.requestCode('once@example.com');
    expect((await login(userId, code)).__typename).toBe('Session');
    expect(await login(userId, code)).toMatchObject({ __typename: 'InvalidTokenError', code: 'USER_INVALID_TOKEN' });
  });

  it('answers every failure with the same InvalidTokenError', async () => {
    const { userId, code } = await t.requestCode('same@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    const answers = [await login(userId, wrong), await login('nobody-has-this-id', code), await login('unique()', code)];
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ __typename: 'InvalidTokenError', code: 'USER_INVALID_TOKEN' });
  });

  it('refuses an expired code', async () => {
    const { userId, code } = await t.requestCode('expired@example.com');
    t.clock.advance(901);
    expect((await login(userId, code)).__typename).toBe('InvalidTokenError');
  });

  it('replaces the live code with a new one', async () => {
    const first = await t.requestCode('replace@example.com');
    const second = await t.requestCode('replace@example.com');
    expect(second.userId).toBe(first.userId);
    if (first.code !== second.code) expect((await login(first.userId, first.code)).__typename).toBe('InvalidTokenError');
    expect((await login(second.userId, second.code)).__typename).toBe('Session');
    expect(await count(sql`SELECT count(*)::int AS n FROM tokens WHERE user_id = ${first.userId}`)).toBe(0);
  });

  it('kills the code after OTP_MAX_ATTEMPTS wrong guesses, even for the right code', async () => {
    const { userId, code } = await t.requestCode('cap@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await login(userId, wrong)).__typename).toBe('InvalidTokenError');
    expect((await login(userId, code)).__typename).toBe('InvalidTokenError');
  });

  it('still accepts the right code after fewer wrong guesses than the cap', async () => {
    const { userId, code } = await t.requestCode('almost@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) await login(userId, wrong);
    expect((await login(userId, code)).__typename).toBe('Session');
  });

  it('gives exactly one session to 20 concurrent logins with one code', async () => {
    const { userId, code } = await t.requestCode('race@example.com');
    const results = await Promise.all(Array.from({ length: 20 }, () => login(userId, code)));
    const kinds = results.map((r) => r.__typename);
    expect(kinds.filter((k) => k === 'Session')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'InvalidTokenError')).toHaveLength(19);
    expect(await count(sql`SELECT count(*)::int AS n FROM sessions WHERE user_id = ${userId}`)).toBe(1);
  });

  it.each([
    ['secret', { userId: 'someone', secret: 'abcdef' }],
    ['secret', { userId: 'someone', secret: '' }],
    ['secret', { userId: 'someone', secret: '1'.repeat(100) }],
    ['userId', { userId: '.bad', secret: '123456' }],
  ])('answers ValidationError for a bad %s (%j)', async (path, variables) => {
    const result = (await t.gql(CREATE_SESSION, variables)).body.data!.createSession;
    expect(result.__typename).toBe('ValidationError');
    expect(result.issues[0].path).toEqual([path]);
  });
});
