import { sql } from 'drizzle-orm';
import { captureLog } from '../helpers/log-capture.js';
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../helpers/database.js';
import { createOutboxRepository } from '../../src/mail/outbox.repository.js';
import { retryDelaySeconds } from '../../src/mail/outbox.worker.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { CREATE_EMAIL_TOKEN, CREATE_SESSION, type TestApp, type TestAppOptions, startTestApp } from '../helpers/test-app.js';
import { eventually, sleep } from '../helpers/wait.js';

/** Production's shape, in milliseconds instead of seconds, so the tests wait for real but briefly. */
const FAST = { pollMs: 50, retryBaseSeconds: 0.1, retryMaxSeconds: 0.5, leaseSeconds: 30 };

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function app(options: TestAppOptions): Promise<TestApp> {
  const t = await startTestApp(options);
  open.push(t);
  return t;
}

async function sink(port = 0): Promise<MailSink> {
  const s = await startMailSink(port);
  open.push(s);
  return s;
}

/** A loopback port with nothing listening on it: the SMTP server is down. */
async function downPort(): Promise<number> {
  const s = await startMailSink();
  await s.close();
  return s.port;
}

async function askCode(t: TestApp, email: string, extra: Record<string, unknown> = {}) {
  const res = await t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email, ...extra });
  const token = res.body.data?.createEmailToken;
  expect(token?.__typename).toBe('Token');
  return token as { userId: string; expire: string };
}

async function outbox(t: TestApp) {
  return rowsOf<{ recipient: string; status: string; attempts: number; payload: string | null }>(
    await t.db.db.execute(sql`SELECT recipient, status, attempts, payload FROM outbox ORDER BY created_at, recipient`),
  );
}

async function logsIn(t: TestApp, userId: string, code: string) {
  const res = await t.gql(CREATE_SESSION, { userId, secret: code });
  return res.body.data?.createSession?.__typename === 'Session';
}

describe('back-off', () => {
  it('retries first within 10 s and never waits more than 60 s between attempts', () => {
    for (const random of [() => 0, () => 0.5, () => 0.999999]) {
      expect(retryDelaySeconds(1, 2, 60, random)).toBeLessThanOrEqual(10);
      for (let attempt = 1; attempt < 40; attempt++) {
        const gap = retryDelaySeconds(attempt, 2, 60, random);
        expect(gap).toBeGreaterThan(0);
        expect(gap).toBeLessThanOrEqual(60);
      }
    }
    // Grows, with jitter that keeps workers from retrying in lockstep.
    expect(retryDelaySeconds(4, 2, 60, () => 0.999999)).toBeGreaterThan(retryDelaySeconds(2, 2, 60, () => 0.999999));
    expect(retryDelaySeconds(3, 2, 60, () => 0)).not.toBe(retryDelaySeconds(3, 2, 60, () => 0.999999));
  });
});

describe('SMTP outages', () => {
  it('delivers every code, once, as soon as the SMTP server is back while the codes still live', async () => {
    const port = await downPort();
    const t = await app({ clock: 'running', mailTuning: FAST, env: { SMTP_URL: `smtp://127.0.0.1:${port}`, OTP_TTL_SECONDS: '60' } });
    const emails = Array.from({ length: 5 }, (_, i) => `outage${i}@example.com`);
    const tokens = await Promise.all(emails.map((email) => askCode(t, email)));

    // Down for a while: several failed rounds each.
    await eventually('three failed attempts per message', async () => (await outbox(t)).every((m) => m.attempts >= 3));
    expect(t.app.mailCounters.retried).toBeGreaterThanOrEqual(10);
    expect(t.app.mailCounters.sent).toBe(0);

    const back = await sink(port);
    const upAt = Date.now();
    const mails = await Promise.all(emails.map((email) => back.next(email, 5000)));
    const recoveryMs = Date.now() - upAt;
    console.info(`outage: ${emails.length} codes delivered ${recoveryMs} ms after the SMTP server came back`);
    // Gaps are capped at 0.5 s here; the rest is headroom for a busy machine.
    expect(recoveryMs).toBeLessThan(5000);

    for (const [i, mail] of mails.entries()) expect(await logsIn(t, tokens[i]!.userId, mail.code!)).toBe(true);
    await sleep(300);
    expect(back.messages).toHaveLength(emails.length);
    expect((await outbox(t)).map((m) => [m.status, m.payload])).toEqual(emails.map(() => ['sent', null]));
  });

  it('retries a temporary rejection (4xx) and delivers once it clears', async () => {
    const t = await app({ clock: 'running', mailTuning: FAST });
    t.mail.reject(421);
    await askCode(t, 'busy@example.com');
    await eventually('two rejected attempts', () => t.mail.offered >= 2);
    t.mail.reject(null);
    const mail = await t.mail.next('busy@example.com');
    expect(mail.code).toMatch(/^\d{6}$/);
    await eventually('the message to be marked sent', async () => (await outbox(t))[0]?.status === 'sent');
    expect((await outbox(t))[0]).toMatchObject({ payload: null });
    expect(t.app.mailCounters.retried).toBeGreaterThanOrEqual(2);
  });

  it('does not retry a permanent rejection (5xx), and logs it with the recipient’s domain only', async () => {
    const { logger, lines } = captureLog();
    const t = await app({ clock: 'running', mailTuning: FAST, logger });
    t.mail.reject(550);
    await askCode(t, 'no.such.mailbox@example.com');
    await eventually('the message to fail', async () => (await outbox(t))[0]?.status === 'failed');
    await sleep(600); // several back-off gaps
    expect(t.mail.offered).toBe(1);
    expect((await outbox(t))[0]).toMatchObject({ status: 'failed', attempts: 1, payload: null });
    expect(t.app.mailCounters).toMatchObject({ failed: 1, retried: 0, sent: 0 });

    const failure = lines.find((l) => l.msg === 'mail rejected permanently')!;
    expect(failure).toMatchObject({ level: 50, domain: 'example.com', attempts: 1 });
    expect(JSON.stringify(lines)).not.toContain('no.such.mailbox');
  });

  it('gives up, counts and logs a message whose code expires while the server is down; nothing is sent late', async () => {
    const { logger, lines } = captureLog();
    const port = await downPort();
    const t = await app({ clock: 'running', mailTuning: FAST, logger, env: { SMTP_URL: `smtp://127.0.0.1:${port}`, OTP_TTL_SECONDS: '60' } });
    await askCode(t, 'late@example.org');
    await eventually('three failed attempts', async () => (await outbox(t))[0]!.attempts >= 3, 8000);
    // The code's end, moved to rather than waited for: a 3 s code on a busy machine could die before
    // its first attempt, and be dropped instead.
    t.clock.advance(60);
    await eventually('the message to fail', async () => (await outbox(t))[0]?.status === 'failed');
    expect(t.app.mailCounters.failed).toBe(1);
    expect(lines.find((l) => l.msg === 'mail not delivered before its code expired')).toMatchObject({ level: 50, domain: 'example.org' });

    const back = await sink(port);
    await sleep(400);
    expect(back.offered).toBe(0);
  });
});

describe('codes that are no longer worth sending', () => {
  it('never sends the mail of a code that expired before the worker got to it', async () => {
    const t = await app({ worker: false, mailTuning: FAST, env: { OTP_TTL_SECONDS: '60' } });
    await askCode(t, 'expired@example.com');
    t.clock.advance(61);
    t.app.mailWorker.start();
    await eventually('the message to be dropped', async () => (await outbox(t))[0]?.status === 'dropped');
    expect((await outbox(t))[0]!.payload).toBeNull();
    expect(t.app.mailCounters).toMatchObject({ dropped: 1, sent: 0 });
    await sleep(200);
    expect(t.mail.offered).toBe(0);
  });

  it('sends only the newest code when a code was replaced before its mail left', async () => {
    const t = await app({ worker: false, mailTuning: FAST });
    await askCode(t, 'twice@example.com');
    t.clock.advance(1); // a second later: the rows list in the order they were queued
    const { userId } = await askCode(t, 'twice@example.com');
    t.app.mailWorker.start();
    const mail = await t.mail.next('twice@example.com');
    await eventually('both messages finished', async () => (await outbox(t)).every((m) => m.status !== 'queued'));
    expect((await outbox(t)).map((m) => m.status)).toEqual(['dropped', 'sent']);
    expect(t.mail.messages).toHaveLength(1);
    expect(await logsIn(t, userId, mail.code!)).toBe(true);
  });
});

describe('crashes and shutdown', () => {
  it('delivers a message claimed by a worker that died, once its claim expires', async () => {
    const t = await app({ worker: false, mailTuning: FAST });
    const { userId } = await askCode(t, 'orphan@example.com');
    // A worker claims the message and is killed before sending it: nothing ever finishes the claim.
    const claimed = await createOutboxRepository(t.db.db).claim(t.clock.now(), 30, 10);
    expect(claimed).toHaveLength(1);

    t.app.mailWorker.start();
    await sleep(300);
    expect(t.mail.offered).toBe(0); // the claim still holds

    t.clock.advance(30);
    const mail = await t.mail.next('orphan@example.com');
    expect(await logsIn(t, userId, mail.code!)).toBe(true);
    expect((await outbox(t))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('finishes the message in hand on stop, then claims no more', async () => {
    const t = await app({ clock: 'running', mailTuning: FAST });
    t.mail.delay(500);
    await askCode(t, 'in-hand@example.com');
    await eventually('the worker to be sending', () => t.mail.offered === 1);
    await t.app.mailWorker.stop();
    expect(t.mail.messages.map((m) => m.to)).toEqual(['in-hand@example.com']);
    expect((await outbox(t))[0]).toMatchObject({ status: 'sent' });

    await askCode(t, 'after-stop@example.com');
    await sleep(300);
    expect((await outbox(t))[1]).toMatchObject({ recipient: 'after-stop@example.com', status: 'queued', attempts: 0 });
  });
});

describe('retention', () => {
  it('deletes sent, dropped and failed messages after the retention period, never queued ones', async () => {
    const t = await app({ mailTuning: { ...FAST, purgeIntervalSeconds: 0 }, env: { MAIL_RETENTION_SECONDS: '3600' } });
    await askCode(t, 'old@example.com');
    await t.mail.next('old@example.com');
    await askCode(t, 'replaced@example.com');
    await t.mail.next('replaced@example.com');
    // A message stuck in a dead worker's claim stays, however old.
    await t.app.mailWorker.stop();
    await askCode(t, 'stuck@example.com');
    await createOutboxRepository(t.db.db).claim(t.clock.now(), 86_400, 10);

    t.clock.advance(3601);
    t.app.mailWorker.start();
    await askCode(t, 'new@example.com');
    await t.mail.next('new@example.com');
    await eventually('the old rows to go', async () => (await outbox(t)).length === 2);
    expect((await outbox(t)).map((m) => [m.recipient, m.status])).toEqual([
      ['stuck@example.com', 'queued'],
      ['new@example.com', 'sent'],
    ]);
  });
});
