import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../helpers/database.js';
import { cleanupExpired } from '../../src/maintenance/cleanup.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

const HOUR = 3600;

const cleanup = (t: TestApp) => cleanupExpired(t.db.db, { now: t.clock.now(), maxAttempts: 5, unverifiedAccountTtlSeconds: HOUR });
const column = async <T>(t: TestApp, query: ReturnType<typeof sql>) => rowsOf<{ v: T }>(await t.db.db.execute(query)).map((r) => r.v);

describe('cleanup of sessions and codes', () => {
  it('deletes expired sessions and dead codes, and nothing alive', async () => {
    const c = await startTestApp({ env: { SESSION_TTL_SECONDS: '100', OTP_TTL_SECONDS: '50' } });
    try {
      const old = await c.login('old@example.com');
      await c.requestCode('pending@example.com');
      c.clock.advance(101);
      const fresh = await c.login('fresh@example.com');
      const live = await c.requestCode('live@example.com');
      expect(await cleanup(c)).toEqual({ sessions: 1, loginCodes: 1, accounts: 0, rateLimits: 0 });
      const ids = await column<string>(c, sql`SELECT id AS v FROM sessions`);
      expect(ids).toEqual([fresh.sessionId]);
      expect(ids).not.toContain(old.sessionId);
      expect(await column<string>(c, sql`SELECT user_id AS v FROM tokens`)).toEqual([live.userId]);
    } finally {
      await c.close();
    }
  });
});

describe('cleanup of accounts never verified', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { UNVERIFIED_ACCOUNT_TTL_SECONDS: String(HOUR) } });
  });
  afterAll(() => t.close());

  it('deletes an old one with no session and no live code, and keeps every other kind', async () => {
    // An hour and more ago: the abandoned one, and four that must stay for their own reason.
    const abandoned = await t.requestCode('abandoned@example.com');
    const verified = await t.login('verified@example.com');
    await t.gql('mutation { deleteSession { __typename } }', {}, { authorization: `Bearer ${verified.secret}` });
    const withSession = await t.login('with-session@example.com');
    await t.db.db.execute(sql`UPDATE users SET email_verification = false WHERE id = ${withSession.userId}`);
    await t.requestCode('live-code@example.com');
    const blocked = await t.requestCode('blocked@example.com');
    await t.db.db.execute(sql`UPDATE users SET status = 'blocked' WHERE id = ${blocked.userId}`);
    t.clock.advance(HOUR - 600);
    await t.requestCode('young@example.com'); // at the cleanup: its code dead, the account 20 minutes old
    t.clock.advance(1200);
    await t.requestCode('live-code@example.com'); // a new code: this login is under way

    expect(await cleanup(t)).toEqual({ sessions: 0, loginCodes: 3, accounts: 1, rateLimits: 0 });
    expect(await column<string>(t, sql`SELECT email AS v FROM users ORDER BY email`)).toEqual([
      'blocked@example.com',
      'live-code@example.com',
      'verified@example.com',
      'with-session@example.com',
      'young@example.com',
    ]);
    expect(await column<string>(t, sql`SELECT id AS v FROM users WHERE id = ${abandoned.userId}`)).toEqual([]);

    // The email is free again: asking for a code makes a new account.
    const again = await t.requestCode('abandoned@example.com');
    expect(again.userId).not.toBe(abandoned.userId);
  });
});

describe('cleanup of rate-limit keys', () => {
  it('deletes a key once its newest hit has left the window, and keeps a key still counting', async () => {
    const t = await startTestApp({ env: { RATE_LIMIT: 'on' } });
    try {
      await t.requestCode('idle@example.com');
      // Resend (60 s), email (1 h) and IP (1 h) keys of the first call.
      expect(await column<string>(t, sql`SELECT key AS v FROM rate_limits`)).toHaveLength(3);
      t.clock.advance(HOUR + 1);
      await t.requestCode('busy@example.com');
      expect(await cleanup(t)).toMatchObject({ rateLimits: 2 });
      // Left: busy's resend and email keys, and the IP key both calls share.
      const keys = await column<string>(t, sql`SELECT key AS v FROM rate_limits`);
      expect(keys).toHaveLength(3);
      // A deleted key starts counting again as if new: its hits had all left their windows.
      expect((await t.gql('mutation { createEmailToken(userId: "unique()", email: "idle@example.com") { __typename } }')).body.data)
        .toEqual({ createEmailToken: { __typename: 'Token' } });
    } finally {
      await t.close();
    }
  });
});
