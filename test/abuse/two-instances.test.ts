import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase, onPostgres } from '../helpers/database.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { LIMITED, attemptsOf, sessionsOf } from './helpers.js';
import { freshIp, guess, sendCode, wrong } from '../helpers/login.js';

// Two processes' worth of app on one PostgreSQL: the limits and the code live in the database.
describe.skipIf(!onPostgres)('two instances on one PostgreSQL', () => {
  let db: TestDatabase;
  let mail: MailSink;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    mail = await startMailSink();
    [a, b] = await Promise.all([startTestApp({ db, mail, env: LIMITED }), startTestApp({ db, mail, env: LIMITED })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await mail?.close();
    await db?.destroy();
  });

  it('share the per-email cool-down', async () => {
    const first = await sendCode(a, 'shared-cooldown@example.com');
    expect(first.__typename).toBe('Token');
    const second = await sendCode(b, 'shared-cooldown@example.com');
    expect(second.__typename).toBe('RateLimitError');
    expect(second.retryAfter).toBeGreaterThan(55);
  });

  it('let one code open one session, whichever instance is asked', async () => {
    const token = await sendCode(a, 'shared-code@example.com');
    const code = (await mail.next('shared-code@example.com')).code!;
    const ip = freshIp();
    const results = await Promise.all([
      guess(a, token.userId, code, { ip: ip }),
      guess(b, token.userId, code, { ip: ip }),
      guess(a, token.userId, code),
      guess(b, token.userId, code),
    ]);
    expect(results.filter((r) => r.__typename === 'Session')).toHaveLength(1);
    expect(await sessionsOf(a, token.userId)).toBe(1);
    expect((await guess(b, token.userId, code)).__typename).toBe('InvalidTokenError');
  });

  it('share the attempt cap under concurrent guessing on both', async () => {
    const token = await sendCode(b, 'shared-cap@example.com');
    const code = (await mail.next('shared-cap@example.com')).code!;
    const bad = wrong(code);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => guess(i % 2 ? a : b, token.userId, bad)));
    expect(results.every((r) => r.__typename === 'InvalidTokenError')).toBe(true);
    expect(await attemptsOf(a, token.userId)).toBe(5);
    expect((await guess(a, token.userId, code)).__typename).toBe('InvalidTokenError');
  });
});
