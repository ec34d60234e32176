import { Account, Client, ID } from 'appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFor, login, wrong } from '../helpers/login.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { PROJECT, endpointOf, failure, sdk } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { MAGIC_URL_ALLOWLIST: 'https://app.example.com/auth/' } });
});
afterAll(() => t.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('the Appwrite web SDK in Node, pointed at /v1', () => {
  it('runs the Email OTP snippets of the Appwrite documents unchanged but for setEndpoint', async () => {
    // "Send email" — <PROJECT_ID> is the app's project id, as with Appwrite.
    const client = new Client()
      .setEndpoint(endpointOf(t))
      .setProject(PROJECT);

    const account = new Account(client);

    const sessionToken = await account.createEmailToken({
      userId: ID.unique(),
      email: 'email@example.com'
    });

    const userId = sessionToken.userId;
    expect(sessionToken).toEqual({ $id: expect.any(String), $createdAt: expect.stringMatching(ISO), userId, secret: '', expire: expect.stringMatching(ISO), phrase: '' });

    // "Login" — <SECRET> is what the user types: the code from the mail.
    const code = (await t.mail.next('email@example.com')).code!;
    const session = await account.createSession({
      userId: userId,
      secret: code
    });
    expect(session).toMatchObject({ userId, provider: 'email', providerUid: 'email@example.com', current: true, factors: ['email'] });
    expect(session.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.$id).toMatch(/^[0-9a-f]{20}$/);

    // "Security phrase"
    const promise = account.createEmailToken({
        userId: ID.unique(),
        email: 'email@example.com',
        phrase: true
    });
    const response = await promise;
    expect(response.phrase).toMatch(/^\S+ \S+$/);
    expect(response.userId).toBe(userId);
    expect((await t.mail.next('email@example.com')).text).toContain(response.phrase);
  });

  it('answers Appwrite models with every field the SDK types declare', async () => {
    const { userId, code } = await codeFor(t, 'models@example.com');
    const { account } = sdk(t);
    const session = await account.createSession({ userId, secret: code });
    expect(Object.keys(session).sort()).toEqual(
      [
        '$id', '$createdAt', '$updatedAt', 'userId', 'expire', 'provider', 'providerUid', 'providerAccessToken',
        'providerAccessTokenExpiry', 'providerRefreshToken', 'ip', 'osCode', 'osName', 'osVersion', 'clientType',
        'clientCode', 'clientName', 'clientVersion', 'clientEngine', 'clientEngineVersion', 'deviceName', 'deviceBrand',
        'deviceModel', 'countryCode', 'countryName', 'current', 'factors', 'secret', 'mfaUpdatedAt',
      ].sort(),
    );
    const user = await sdk(t, session.secret).account.get();
    expect(user).toEqual({
      $id: userId,
      $createdAt: expect.stringMatching(ISO),
      $updatedAt: expect.stringMatching(ISO),
      name: '',
      registration: user.$createdAt,
      status: true,
      labels: [],
      passwordUpdate: '',
      email: 'models@example.com',
      phone: '',
      emailVerification: true,
      phoneVerification: false,
      mfa: false,
      prefs: {},
      targets: [],
      accessedAt: expect.stringMatching(ISO),
    });
  });

  it('works with setSession: get, listSessions, getSession, updateName, deleteSession("current")', async () => {
    const { userId, code } = await codeFor(t, 'node-app@example.com');
    const first = await sdk(t).account.createSession({ userId, secret: code });
    const { account } = sdk(t, first.secret);

    expect(await account.get()).toMatchObject({ $id: userId, email: 'node-app@example.com', emailVerification: true });
    const second = await login(t, 'node-app@example.com');

    const list = await account.listSessions();
    expect(list.total).toBe(2);
    // Oldest first; the test clock stands still, so both have the same time and come in id order.
    expect(list.sessions.map((s) => [s.$id, s.current, s.secret]).sort()).toEqual(
      [
        [first.$id, true, ''],
        [second.sessionId, false, ''],
      ].sort(),
    );
    expect(await account.getSession({ sessionId: 'current' })).toMatchObject({ $id: first.$id, current: true, secret: '' });
    expect(await account.getSession({ sessionId: second.sessionId })).toMatchObject({ $id: second.sessionId, current: false });

    expect(await account.updateName({ name: '  Ada Lovelace ' })).toMatchObject({ $id: userId, name: 'Ada Lovelace' });
    expect((await account.get()).name).toBe('Ada Lovelace');

    // 204: the SDK answers {message: ""}.
    expect(await account.deleteSession({ sessionId: 'current' })).toEqual({ message: '' });
    const after = await failure(account.get());
    expect([after.type, after.code]).toEqual(['user_unauthorized', 401]);
    // The other session lives on.
    expect((await sdk(t, second.secret).account.listSessions()).total).toBe(1);
  });

  it('deletes another session by id, and every session with deleteSessions', async () => {
    const a = await login(t, 'many@example.com');
    const b = await login(t, 'many@example.com');
    const c = await login(t, 'many@example.com');
    const { account } = sdk(t, a.secret);
    await account.deleteSession({ sessionId: b.sessionId });
    expect((await account.listSessions()).sessions.map((s) => s.$id).sort()).toEqual([a.sessionId, c.sessionId].sort());
    expect(await account.deleteSessions()).toEqual({ message: '' });
    for (const s of [a, c]) expect((await failure(sdk(t, s.secret).account.get())).type).toBe('user_unauthorized');
  });

  it('logs in with a magic URL token through the same createSession', async () => {
    const { account } = sdk(t);
    const token = await account.createMagicURLToken({
      userId: ID.unique(),
      email: 'link@example.com',
      url: 'https://app.example.com/auth/callback?from=mail',
    });
    expect(token).toMatchObject({ secret: '', phrase: '' });
    const link = new URL((await t.mail.next('link@example.com')).link!);
    expect(`${link.origin}${link.pathname}`).toBe('https://app.example.com/auth/callback');
    expect(link.searchParams.get('from')).toBe('mail');
    expect(link.searchParams.get('userId')).toBe(token.userId);
    const session = await account.createSession({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! });
    expect((await sdk(t, session.secret).account.get()).email).toBe('link@example.com');
  });
});

describe('sessions are the same on /v1 and /graphql', () => {
  it('a session made through /v1 is accepted by /graphql', async () => {
    const { userId, code } = await codeFor(t, 'v1-to-gql@example.com');
    const session = await sdk(t).account.createSession({ userId, secret: code });
    const res = await t.gql('{ account { __typename ... on Account { id email } } }', undefined, { authorization: `Bearer ${session.secret}` });
    expect(res.body.data!.account).toEqual({ __typename: 'Account', id: userId, email: 'v1-to-gql@example.com' });
    // And a logout on /graphql ends it on /v1.
    await t.gql('mutation { deleteSession { __typename } }', undefined, { authorization: `Bearer ${session.secret}` });
    expect((await failure(sdk(t, session.secret).account.get())).type).toBe('user_unauthorized');
  });

  it('a session made through /graphql is accepted by /v1', async () => {
    const { userId, secret, sessionId } = await login(t, 'gql-to-v1@example.com');
    const { account } = sdk(t, secret);
    expect(await account.get()).toMatchObject({ $id: userId, email: 'gql-to-v1@example.com' });
    expect(await account.getSession({ sessionId: 'current' })).toMatchObject({ $id: sessionId, current: true });
  });
});

describe('every failure reaches the SDK as a meaningful AppwriteException', () => {
  const expectFailure = async (call: Promise<unknown>, type: string, code: number, message?: RegExp) => {
    const error = await failure(call);
    expect([error.type, error.code]).toEqual([type, code]);
    expect(error.message).toMatch(message ?? /\w/);
    return error;
  };

  it('general_argument_invalid 400: an invalid email, userId or secret, or a url off the allowlist', async () => {
    const { account } = sdk(t);
    await expectFailure(account.createEmailToken({ userId: ID.unique(), email: 'not-an-email' }), 'general_argument_invalid', 400, /`email`/);
    await expectFailure(account.createEmailToken({ userId: '_bad id', email: 'ok@example.com' }), 'general_argument_invalid', 400, /`userId`/);
    await expectFailure(account.createSession({ userId: 'abc', secret: 'not digits' }), 'general_argument_invalid', 400, /`secret`/);
    await expectFailure(
      account.createMagicURLToken({ userId: ID.unique(), email: 'evil@example.com', url: 'https://app.example.com@evil.example/auth/' }),
      'general_argument_invalid',
      400,
      /url/,
    );
    await expectFailure(account.updateName({ name: 'x'.repeat(129) }), 'general_argument_invalid', 400, /`name`/);
  });

  it('user_invalid_token 401: a wrong code, and a used one', async () => {
    const { userId, code } = await codeFor(t, 'wrong@example.com');
    const { account } = sdk(t);
    await expectFailure(account.createSession({ userId, secret: wrong(code) }), 'user_invalid_token', 401);
    await account.createSession({ userId, secret: code });
    await expectFailure(account.createSession({ userId, secret: code }), 'user_invalid_token', 401);
  });

  it('user_already_exists 409: a userId that belongs to another email', async () => {
    const { userId } = await codeFor(t, 'owner@example.com');
    await expectFailure(sdk(t).account.createEmailToken({ userId, email: 'other@example.com' }), 'user_already_exists', 409);
  });

  it('user_unauthorized 401: no session, an unknown one, a deleted one', async () => {
    await expectFailure(sdk(t).account.get(), 'user_unauthorized', 401, /a_session_<project> cookie.*setSession/);
    await expectFailure(sdk(t, 'not-a-credential').account.listSessions(), 'user_unauthorized', 401);
    await expectFailure(sdk(t).account.deleteSession({ sessionId: 'current' }), 'user_unauthorized', 401);
    await expectFailure(sdk(t).account.updateName({ name: 'x' }), 'user_unauthorized', 401);
  });

  it("user_session_not_found 404: an unknown id, another account's session", async () => {
    const mine = await login(t, 'mine@example.com');
    const theirs = await login(t, 'theirs@example.com');
    const { account } = sdk(t, mine.secret);
    await expectFailure(account.getSession({ sessionId: 'ffffffffffffffffffff' }), 'user_session_not_found', 404);
    await expectFailure(account.getSession({ sessionId: theirs.sessionId }), 'user_session_not_found', 404);
    await expectFailure(account.deleteSession({ sessionId: theirs.sessionId }), 'user_session_not_found', 404);
    expect((await sdk(t, theirs.secret).account.get()).email).toBe('theirs@example.com');
  });

  it('general_route_not_found 404 for what this service does not implement, naming what it does', async () => {
    const error = await expectFailure(sdk(t).account.createJWT(), 'general_route_not_found', 404);
    expect(error.message).toContain('POST /v1/account/tokens/email');
    expect(error.message).toContain('docs/appwrite.md');
  });

  it('general_argument_invalid 400 for the documents\' placeholder project id, left as written', async () => {
    const client = new Client().setEndpoint(endpointOf(t)).setProject('<PROJECT_ID>');
    await expectFailure(new Account(client).createEmailToken({ userId: ID.unique(), email: 'email@example.com' }), 'general_argument_invalid', 400, /X-Appwrite-Project/);
  });
});
