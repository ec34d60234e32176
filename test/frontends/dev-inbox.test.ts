import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevInbox } from '../../src/mail/dev-inbox.js';
import { captureLog } from '../helpers/log-capture.js';
import { guess, issueCode, sendLink } from '../helpers/login.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';

const origin = (t: TestApp) => new URL(t.url).origin;
const inboxOf = async (t: TestApp) =>
  ((await (await fetch(`${origin(t)}/dev/mail.json`)).json()) as { mails: Record<string, string | null>[] }).mails;

describe('the development inbox', () => {
  let t: TestApp;
  const log = captureLog();
  beforeAll(async () => {
    t = await startTestApp({ mailer: 'log', logger: log.logger, env: { APP_NAME: 'Acme <i>&' } });
  });
  afterAll(() => t.close());

  it('keeps each mail with its code, newest first, as JSON and as a page that escapes everything', async () => {
    const first = await issueCode(t, 'ada@example.com', { phrase: true });
    await eventually('the first mail', async () => (await inboxOf(t)).length === 1);
    expect((await sendLink(t, 'bob@example.com')).__typename).toBe('Token');
    await eventually('the second mail', async () => (await inboxOf(t)).length === 2);
    const [link, code] = await inboxOf(t);
    expect(link).toMatchObject({ to: 'bob@example.com', code: null, link: expect.stringMatching(/^http:\/\/localhost:\d+\/\?userId=.*&secret=/) });
    expect(code).toMatchObject({ to: 'ada@example.com', code: expect.stringMatching(/^\d{6}$/), phrase: first.phrase, subject: expect.stringContaining('Acme <i>&') });
    expect(new Date(code!.time!).getTime()).toBeLessThanOrEqual(new Date(link!.time!).getTime());
    expect(code!.text).toContain(code!.code);
    // The code in the inbox is the one that works.
    expect((await guess(t, first.userId, code!.code!)).__typename).toBe('Session');

    const page = await fetch(`${origin(t)}/dev/mail`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html.indexOf('bob@example.com')).toBeLessThan(html.indexOf('ada@example.com'));
    expect(html).toContain(`<p class="code" aria-label="Code">${code!.code}</p>`);
    expect(html).toContain('Acme &lt;i&gt;&amp;');
    expect(html).not.toContain('<i>');
  });

  it('writes the code as a field of its own in the JSON log line', async () => {
    await issueCode(t, 'cy@example.com');
    await eventually('the log line', () => log.lines.some((l) => l.to === 'cy@example.com'));
    const line = log.lines.find((l) => l.to === 'cy@example.com')!;
    expect(line.code).toMatch(/^\d{6}$/);
    expect(line.msg).toContain(line.code);
  });

  it('answers only GET and HEAD', async () => {
    expect((await fetch(`${origin(t)}/dev/mail.json`, { method: 'POST' })).status).toBe(405);
  });

  it('holds the last 100', () => {
    const inbox = createDevInbox();
    for (let i = 0; i < 105; i++) inbox.add({ to: `u${i}@example.com`, subject: 's', text: 't' }, new Date());
    expect(inbox.list()).toHaveLength(100);
    expect(inbox.list()[0]!.to).toBe('u104@example.com');
    expect(inbox.list()[99]!.to).toBe('u5@example.com');
  });
});

describe('no development inbox', () => {
  it('with SMTP configured: 404', async () => {
    const t = await startTestApp();
    try {
      for (const path of ['/dev/mail', '/dev/mail.json']) expect((await fetch(`${origin(t)}${path}`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('in production, even without SMTP: 404, and no code in the log', async () => {
    const log = captureLog();
    const t = await startTestApp({ mailer: 'log', logger: log.logger, env: { NODE_ENV: 'production' } });
    try {
      const token = await issueCode(t, 'ada@example.com');
      await eventually('the log line', () => log.warnings().some((l) => l.msg.startsWith('Mail not sent')));
      for (const path of ['/dev/mail', '/dev/mail.json']) expect((await fetch(`${origin(t)}${path}`)).status).toBe(404);
      const logged = JSON.stringify(log.lines.map(({ pid, time, ...line }) => line));
      expect(logged).not.toMatch(/\b\d{6}\b/);
      expect(logged).not.toContain('ada@example.com');
      expect(token.__typename).toBe('Token');
    } finally {
      await t.close();
    }
  });
});
