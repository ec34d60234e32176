import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';
import { issueCode } from '../helpers/login.js';

// Retries 10–20 s apart and codes living 30 s: the first failure is retried, and the second, once
// the clock is moved 20 s on, gives up because the next retry would come after the code's end.
const TUNING = { pollMs: 50, retryBaseSeconds: 20, retryMaxSeconds: 60, leaseSeconds: 30 };

let t: TestApp;
/** Every line the app logged, exactly as pino wrote it. */
const output: string[] = [];
beforeAll(async () => {
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void output.push(line) } });
  t = await startTestApp({ clock: 'running', mailTuning: TUNING, logger, env: { OTP_TTL_SECONDS: '30' } });
});
afterAll(() => t.close());

const logged = (msg: string) => output.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.msg === msg);

describe('an SMTP server that echoes the recipient in its replies', () => {
  it('is logged with the domain only: permanent rejection, retry, and a code that died first', async () => {
    t.mail.reject(550, { atRecipient: true, message: (to) => `5.1.1 <${to}>: Recipient address rejected: User unknown` });
    await issueCode(t, 'ada.lovelace@example.com');
    const rejected = await eventually('the permanent failure', () => logged('mail rejected permanently'));
    expect(rejected).toMatchObject({ level: 50, domain: 'example.com', reason: expect.stringContaining('<…@example.com>: Recipient address rejected') });

    t.mail.reject(452, { message: (to) => `4.2.2 Mailbox full for ${to}, try later` });
    await issueCode(t, 'grace.hopper@example.org');
    const retry = await eventually('the retry', () => logged('mail delivery failed, will retry'));
    expect(retry).toMatchObject({ level: 40, domain: 'example.org', reason: expect.stringContaining('Mailbox full for …@example.org') });
    t.clock.advance(20);
    const expired = await eventually('the give-up', () => logged('mail not delivered before its code expired'));
    expect(expired).toMatchObject({ level: 50, domain: 'example.org', attempts: 2, reason: expect.stringContaining('…@example.org') });

    const everything = output.join('');
    for (const local of ['ada.lovelace', 'grace.hopper']) expect(everything).not.toContain(local);
    expect(t.app.mailCounters).toMatchObject({ failed: 2, retried: 1, sent: 0 });
  });
});
