import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { LIMITED, attemptsOf, codeFor, freshIp, guess, sessionsOf } from './helpers.js';

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
  });
  afterAll(() => t.close());

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
    expect((await guess(t, userId, code, freshIp())).__typename).not.toBe('Session');
  });

  it('50 concurrent wrong guesses evaluate at most OTP_MAX_ATTEMPTS and open nothing', async () => {
    const { userId, code } = await codeFor(t, 'concurrent@example.com');
    const ip = freshIp();
    const results = await Promise.all(guesses(code, 50).map((g) => guess(t, userId, g, ip)));
    expect(results.map((r) => r.__typename)).not.toContain('Session');
    expect(await attemptsOf(t, userId)).toBeLessThanOrEqual(5);
    expect(await sessionsOf(t, userId)).toBe(0);
    expect((await guess(t, userId, code, freshIp())).__typename).toBe('InvalidTokenError');
  });

  it('50 concurrent guesses from 50 addresses, the right one last, never exceed the attempt cap', async () => {
    const { userId, code } = await codeFor(t, 'distributed@example.com');
    const secrets = [...guesses(code, 49), code];
    const results = await Promise.all(secrets.map((g) => guess(t, userId, g, freshIp())));
    const sessions = results.filter((r) => r.__typename === 'Session').length;
    // Whether the right guess landed inside the first five is a race; more than one session never.
    expect(sessions).toBeLessThanOrEqual(1);
    expect(await sessionsOf(t, userId)).toBe(sessions);
    // The token row is gone when the right guess won; otherwise it carries exactly the cap.
    expect(await attemptsOf(t, userId)).toBe(sessions === 1 ? null : 5);
  });
});

describe('the right code, guessed 30 times at once from one address (rate limits on)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...LIMITED, RATE_LIMIT_SESSION_USER_IP: '100/3600' } });
  });
  afterAll(() => t.close());

  // The winner's statement holds the code's row and forgives the client's rate-limit key; the others
  // hold that key and wait for the code's row. Waiting for the key there would deadlock.
  it('opens exactly one session, and every other guess gets a typed answer, never an error', async () => {
    for (let round = 0; round < 3; round++) {
      const { userId, code } = await codeFor(t, `rush${round}@example.com`);
      const ip = freshIp();
      const results = await Promise.all(Array.from({ length: 30 }, () => guess(t, userId, code, ip)));
      expect(results.filter((r) => r?.__typename === 'Session')).toHaveLength(1);
      expect(results.filter((r) => r?.__typename !== 'Session').map((r) => r?.__typename)).toEqual(Array(29).fill('InvalidTokenError'));
    }
  });
});
