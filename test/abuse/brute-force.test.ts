import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { LIMITED, attemptsOf, query, sessionsOf } from './helpers.js';
import { codeFor, freshIp, guess, wrong } from '../helpers/login.js';

/** Every wrong code of the right length but `code`, in order: a guesser's dictionary. */
const guesses = (code: string, n: number) =>
  Array.from({ length: n + 1 }, (_, i) => String(i).padStart(code.length, '0'))
    .filter((g) => g !== code)
    .slice(0, n);

const aliased = (userId: string, secrets: string[]) =>
  `mutation {\n${secrets
    .map((s, i) => `  g${i}: createSession(userId: "${userId}", secret: "${s}") { __typename }`)
    .join('\n')}\n}`;

// The attempt cap alone must hold (rate limits off), and with the limits on.
describe.each([
  ['rate limits off', { RATE_LIMIT: 'off' }],
  ['rate limits on', LIMITED],
])('brute force with %s', (_, env) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...env, TRUST_PROXY: '127.0.0.1' } });
    // Test-only instrumentation: every evaluated guess is an increment of its code's attempts; the
    // log keeps the count even when the right guess wins and its code's row is deleted.
    await t.db.db.execute(sql`CREATE TABLE test_evaluated_guesses (user_id text NOT NULL)`);
    await t.db.db.execute(sql`
      CREATE FUNCTION test_log_guess() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO test_evaluated_guesses VALUES (NEW.user_id); RETURN NEW;
      END $$`);
    await t.db.db.execute(
      sql`CREATE TRIGGER test_log_guess AFTER UPDATE OF attempts ON tokens FOR EACH ROW WHEN (NEW.attempts > OLD.attempts) EXECUTE FUNCTION test_log_guess()`,
    );
  });
  afterAll(() => t.close());

  const evaluated = async (userId: string) =>
    (await query<{ n: number }>(t, sql`SELECT count(*)::int AS n FROM test_evaluated_guesses WHERE user_id = ${userId}`))[0]!.n;

  it('40 aliased guesses in one request are refused whole', async () => {
    const { userId, code } = await codeFor(t, 'aliased@example.com');
    const res = await t.gql(aliased(userId, guesses(code, 40)));
    // Refused in validation, before any resolver: no data at all.
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors![0]!.message).toMatch(/aliases/i);
    expect(await attemptsOf(t, userId)).toBe(0);
    expect(await sessionsOf(t, userId)).toBe(0);
  });

  it('10 aliased guesses, the right code among them, evaluate at most OTP_MAX_ATTEMPTS and open nothing', async () => {
    const { userId, code } = await codeFor(t, 'aliased10@example.com');
    // The right code comes last: a cap that held would leave it unevaluated.
    const res = await t.gql(aliased(userId, [...guesses(code, 9), code]));
    expect(res.status).toBe(200);
    const kinds = Object.values(res.body.data!).map((r: any) => r.__typename);
    expect(kinds).not.toContain('Session');
    expect(await attemptsOf(t, userId)).toBeLessThanOrEqual(5);
    expect(await sessionsOf(t, userId)).toBe(0);
    // The code is dead now: even the right one is refused.
    expect((await guess(t, userId, code)).__typename).not.toBe('Session');
  });

  it('50 concurrent wrong guesses evaluate at most OTP_MAX_ATTEMPTS and open nothing', async () => {
    const { userId, code } = await codeFor(t, 'concurrent@example.com');
    const ip = freshIp();
    const results = await Promise.all(guesses(code, 50).map((g) => guess(t, userId, g, { ip: ip })));
    expect(results.map((r) => r.__typename)).not.toContain('Session');
    expect(await attemptsOf(t, userId)).toBeLessThanOrEqual(5);
    expect(await sessionsOf(t, userId)).toBe(0);
    expect((await guess(t, userId, code)).__typename).toBe('InvalidTokenError');
  });

  it('50 concurrent guesses from 50 addresses, the right one last, never exceed the attempt cap', async () => {
    const { userId, code } = await codeFor(t, 'distributed@example.com');
    const secrets = [...guesses(code, 49), code];
    const results = await Promise.all(secrets.map((g) => guess(t, userId, g)));
    const sessions = results.filter((r) => r.__typename === 'Session').length;
    // Whether the right guess lands inside the first five is a race; more than one session never,
    // and never more than five evaluated guesses, whichever way the race went.
    expect(sessions).toBeLessThanOrEqual(1);
    expect(await sessionsOf(t, userId)).toBe(sessions);
    expect(await evaluated(userId)).toBeLessThanOrEqual(5);
    expect(await evaluated(userId)).toBeGreaterThanOrEqual(sessions === 1 ? 1 : 5);
    expect(results.filter((r) => r.__typename === 'InvalidTokenError')).toHaveLength(50 - sessions);
  });
});

describe('the right code, guessed 30 times at once from one address (rate limits on)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...LIMITED, RATE_LIMIT_SESSION_USER_IP: '100/3600' } });
  });
  afterAll(() => t.close());

  // The winner's statement holds the code's row and forgives the client's rate-limit key; the others
  // hold that key and wait for the code's row. Waiting for the key there would deadlock. The others
  // also re-insert the forgiven key while queueing for the address's key: with the keys taken out of
  // order that stalled until the lock timeout (a masked error) in about one round in ten.
  it('opens exactly one session, and every other guess gets a typed answer, never an error', async () => {
    for (let round = 0; round < 12; round++) {
      const { userId, code } = await codeFor(t, `rush${round}@example.com`);
      const ip = freshIp();
      const results = await Promise.all(Array.from({ length: 30 }, () => guess(t, userId, code, { ip: ip })));
      expect(results.filter((r) => r?.__typename === 'Session')).toHaveLength(1);
      expect(results.filter((r) => r?.__typename !== 'Session').map((r) => r?.__typename)).toEqual(Array(29).fill('InvalidTokenError'));
    }
  });
});
