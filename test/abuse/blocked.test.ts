import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { LIMITED, attemptsOf, queuedMails, sessionsOf } from './helpers.js';
import { codeFor, freshIp, guess, login, sendCode, wrong } from '../helpers/login.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: LIMITED });
});
afterAll(() => t.close());

const block = (userId: string) => t.db.db.execute(sql`UPDATE users SET status = 'blocked' WHERE id = ${userId}`);

describe('a blocked account', () => {
  it('gets UserBlockedError from createEmailToken, and no mail', async () => {
    const { userId } = await codeFor(t, 'blocked-mail@example.com');
    await block(userId);
    // Past the resend cool-down of the first code.
    await t.db.db.execute(sql`DELETE FROM rate_limits`);
    const res = await sendCode(t, 'blocked-mail@example.com');
    expect(res).toMatchObject({ __typename: 'UserBlockedError', code: 'USER_BLOCKED' });
    expect(await queuedMails(t, 'blocked-mail@example.com')).toBe(1);
  });

  it('gets UserBlockedError from createSession only with the right code, and no session', async () => {
    const { userId, code } = await codeFor(t, 'blocked-login@example.com');
    await block(userId);
    const ip = freshIp();
    // A wrong guess learns nothing about the account: the same answer as for any wrong code.
    expect(await guess(t, userId, wrong(code), { ip: ip })).toMatchObject({ __typename: 'InvalidTokenError' });
    expect(await guess(t, userId, code, { ip: ip })).toMatchObject({ __typename: 'UserBlockedError', code: 'USER_BLOCKED' });
    expect(await sessionsOf(t, userId)).toBe(0);
    expect(await attemptsOf(t, userId)).toBe(2);
  });

  it('loses access with its live sessions, and gets it back when unblocked', async () => {
    const { userId, secret } = await login(t, `blocked-session@example.com`);
    const account = (s: string) => t.gql('{ account { __typename } }', undefined, { authorization: `Bearer ${s}` });
    expect((await account(secret)).body.data!.account.__typename).toBe('Account');
    await block(userId);
    expect((await account(secret)).body.data!.account.__typename).toBe('UnauthorizedError');
    await t.db.db.execute(sql`UPDATE users SET status = 'active' WHERE id = ${userId}`);
    expect((await account(secret)).body.data!.account.__typename).toBe('Account');
  });
});
