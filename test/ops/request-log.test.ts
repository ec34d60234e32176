import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../helpers/log-capture.js';
import { CREATE_SESSION, codeFor, guess, sendCode, wrong } from '../helpers/login.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { TEST_AUTH_SECRET, type TestApp, startTestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';

// Ten digits: a code cannot turn up by chance inside a timestamp or a duration of the log.
const ENV = { RATE_LIMIT: 'on', OTP_LENGTH: '10', TRUST_PROXY: '127.0.0.1' };
const SMTP_PASSWORD = 'smtp-Pa55word-never-logged';

describe('the log of a full flow', () => {
  // Every level: a secret must not be in any line, debug included.
  const log = captureLog('trace');
  let t: TestApp;
  let failing: TestApp;
  let rejecting: MailSink;
  const secrets: Record<string, string> = { AUTH_SECRET: TEST_AUTH_SECRET, 'SMTP password': SMTP_PASSWORD };
  const request = (msg = 'graphql request') => log.lines.filter((l) => l.msg === msg);

  beforeAll(async () => {
    t = await startTestApp({ env: ENV, logger: log.logger, clock: 'running' });
    rejecting = await startMailSink();
    rejecting.reject(550, { atRecipient: true, message: (to) => `5.1.1 <${to}>: Recipient address rejected` });
    const smtpUrl = new URL(rejecting.url);
    smtpUrl.username = 'mailer';
    smtpUrl.password = SMTP_PASSWORD;
    failing = await startTestApp({ env: { ...ENV, SMTP_URL: smtpUrl.toString() }, mail: rejecting, logger: log.logger, clock: 'running' });
  });
  afterAll(async () => {
    await failing?.close();
    await t?.close();
    await rejecting?.close();
  });

  it('has one line per request, with its outcome, and no code, credential, secret or full address', async () => {
    const ip = '203.0.113.9';
    const { userId, code } = await codeFor(t, 'Ada.Lovelace@Example.com', { ip });
    secrets.code = code;
    secrets.address = 'ada.lovelace';
    // The resend cool-down: a RateLimitError.
    expect((await sendCode(t, 'ada.lovelace@example.com', { ip })).__typename).toBe('RateLimitError');
    expect((await guess(t, userId, wrong(code), { ip })).__typename).toBe('InvalidTokenError');
    const login = await t.gql(CREATE_SESSION, { userId, secret: code }, { 'x-forwarded-for': ip });
    const credential = login.body.data!.createSession.secret as string;
    secrets.credential = credential;
    const bearer = { authorization: `Bearer ${credential}`, 'x-forwarded-for': ip };
    expect((await t.gql('query Me { account { __typename } }', undefined, bearer)).body.data).toEqual({ account: { __typename: 'Account' } });
    const logout = await t.gql('mutation LogOut { deleteSession { __typename } }', undefined, bearer);
    expect(logout.body.data).toEqual({ deleteSession: { __typename: 'DeletedSession' } });
    // A mail the SMTP server refuses, sent with a password.
    expect((await sendCode(failing, 'grace.hopper@example.org')).__typename).toBe('Token');
    secrets.address2 = 'grace.hopper';
    await eventually('the failed login to SMTP', () => log.lines.find((l) => l.msg === 'mail rejected permanently'));
    // And one the server refuses at RCPT TO, echoing the address in its reply.
    t.mail.reject(550, { atRecipient: true, message: (to) => `5.1.1 <${to}>: Recipient address rejected` });
    expect((await sendCode(t, 'katherine.johnson@example.net')).__typename).toBe('Token');
    secrets.address3 = 'katherine.johnson';
    await eventually('the rejected mail', () => log.lines.filter((l) => l.msg === 'mail rejected permanently').length === 2);

    const lines = request();
    expect(lines.map((l) => [l.fields, l.outcome])).toEqual([
      [['createEmailToken'], ['Token']],
      [['createEmailToken'], ['RateLimitError']],
      [['createSession'], ['InvalidTokenError']],
      [['createSession'], ['Session']],
      [['account'], ['Account']],
      [['deleteSession'], ['DeletedSession']],
      [['createEmailToken'], ['Token']],
      [['createEmailToken'], ['Token']],
    ]);
    expect(lines[0]).toMatchObject({ level: 30, ip, status: 200, emailDomain: 'example.com', requestId: expect.any(String), durationMs: expect.any(Number) });
    expect(lines[4]).toMatchObject({ operation: 'Me', ip });
    expect(lines[6]).toMatchObject({ emailDomain: 'example.org' });

    const everything = log.lines.map((l) => JSON.stringify(l)).join('\n');
    expect(log.lines.length).toBeGreaterThan(lines.length);
    for (const [what, value] of Object.entries(secrets)) {
      expect(everything.toLowerCase().includes(value.toLowerCase()), `${what} in the log`).toBe(false);
    }
  });
});
