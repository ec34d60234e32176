import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { LIMITED } from './helpers.js';
import { codeFor, CREATE_SESSION, freshIp, guess, wrong } from '../helpers/login.js';

const ROUNDS = 300;
/** Half the smallest difference the outside attack measured for a live code (+0.4 ms). */
const TOLERANCE_MS = 0.2;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * An attacker who times createSession must not learn whether a user has a live code. Every kind of
 * failed guess is sent in turn, `ROUNDS` times, each from a fresh address (as an attacker with many
 * would). A wrong guess at a live code must not be slower (or faster) than a guess at no code by
 * more than the tolerance, well below what the outside attack measured (+0.4–0.6 ms of ~5 ms).
 */
describe('createSession takes as long whatever the state of the code', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...LIMITED, OTP_MAX_ATTEMPTS: '100' } });
  });
  afterAll(() => t.close());

  it('live, expired, dead, used, and no user at all', { timeout: 300_000 }, async () => {
    const live = await codeFor(t, 'timing-live@example.com');
    const expired = await codeFor(t, 'timing-expired@example.com');
    const dead = await codeFor(t, 'timing-dead@example.com');
    const used = await codeFor(t, 'timing-used@example.com');
    await t.gql(CREATE_SESSION, { userId: used.userId, secret: used.code }, { 'x-forwarded-for': freshIp() });
    await t.db.db.execute(sql`UPDATE tokens SET expire = now() - interval '1 hour' WHERE user_id = ${expired.userId}`);
    await t.db.db.execute(sql`UPDATE tokens SET attempts = 100 WHERE user_id = ${dead.userId}`);
    const kinds: Record<string, { userId: string; secret: string }> = {
      live: { userId: live.userId, secret: wrong(live.code) },
      expired: { userId: expired.userId, secret: wrong(expired.code) },
      dead: { userId: dead.userId, secret: wrong(dead.code) },
      used: { userId: used.userId, secret: wrong(used.code) },
      unknown: { userId: 'nobody0123456789abcd', secret: '123456' },
    };
    const send = async (kind: string) => {
      const { userId, secret } = kinds[kind]!;
      const headers = { 'x-forwarded-for': freshIp() };
      const started = performance.now();
      const res = await t.gql(CREATE_SESSION, { userId, secret }, headers);
      const elapsed = performance.now() - started;
      expect(res.body.data!.createSession.__typename).toBe('InvalidTokenError');
      return elapsed;
    };
    const names = Object.keys(kinds);
    /** Median over the rounds of (live − kind), per kind; each round sends every kind once, in a rotating order. */
    const measure = async () => {
      const times: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
      for (let round = 0; round < ROUNDS; round++) {
        // The live code would die after 100 guesses: give it its attempts back now and then.
        if (round % 90 === 0) await t.db.db.execute(sql`UPDATE tokens SET attempts = 0 WHERE user_id = ${live.userId}`);
        for (let i = 0; i < names.length; i++) {
          const kind = names[(round + i) % names.length]!;
          times[kind]!.push(await send(kind));
        }
      }
      const gaps = names
        .filter((k) => k !== 'live')
        .map((kind) => {
          const paired = times.live!.map((ms, i) => ms - times[kind]![i]!);
          return { kind, gap: median(paired), slower: paired.filter((d) => d > 0).length / paired.length };
        });
      console.info(
        `createSession median ms: ${names.map((k) => `${k} ${median(times[k]!).toFixed(3)}`).join(', ')}; live minus the ` +
          `others, paired: ${gaps.map((g) => `${g.kind} ${g.gap.toFixed(3)} (slower in ${(g.slower * 100).toFixed(0)} %)`).join(', ')}`,
      );
      return gaps;
    };
    for (const kind of names) for (let i = 0; i < 20; i++) await send(kind); // warm-up
    // A difference counts when it is both large (the median gap passes the tolerance) and systematic
    // (the live guess is slower, or faster, in more rounds than chance allows: a sign test at 3σ).
    // Noise from a busy machine moves the first or the second, rarely both; a real leak moves both.
    const systematic = (slower: number) => Math.abs(slower - 0.5) > 3 * Math.sqrt(0.25 / ROUNDS);
    const leaks = (gaps: Awaited<ReturnType<typeof measure>>) =>
      gaps.filter(({ gap, slower }) => Math.abs(gap) >= TOLERANCE_MS && systematic(slower));
    let found = leaks(await measure());
    // A stall of the machine can still fake one; a real leak shows in two measurements.
    if (found.length > 0) found = leaks(await measure());
    expect(found).toEqual([]);
  });
});
