import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { login } from '../helpers/login.js';

const ACCOUNT = /* GraphQL */ `
  query { account { __typename ... on Account { id email emailVerification status name createdAt updatedAt accessedAt } ... on Error { code message } } }`;
const SESSIONS = /* GraphQL */ `
  query { sessions { __typename ... on SessionList { total sessions { id current secret clientName } } ... on Error { code } } }`;
const SESSION = /* GraphQL */ `
  query ($id: String!) { session(sessionId: $id) { __typename ... on Session { id userId current } ... on Error { code } } }`;
const DELETE_SESSION = /* GraphQL */ `
  mutation ($id: String!) { deleteSession(sessionId: $id) { __typename ... on DeletedSession { id deleted count current } ... on Error { code } } }`;
const DELETE_SESSIONS = /* GraphQL */ `
  mutation { deleteSessions { __typename ... on DeletedSession { id deleted count current } ... on Error { code } } }`;
const UPDATE_NAME = /* GraphQL */ `
  mutation ($name: String!) { updateName(name: $name) { __typename ... on Account { name updatedAt } ... on ValidationError { issues { path message } } ... on Error { code } } }`;

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
/** The cookie pair of a Set-Cookie header, as a browser would send it back. */
const cookiePair = (setCookie: string) => setCookie.split(';')[0]!;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { SESSION_LIMIT: '3' } });
});
afterAll(() => t.close());

describe('authentication', () => {
  it('answers account with a Bearer credential', async () => {
    const s = await login(t, 'bearer@example.com');
    const account = (await t.gql(ACCOUNT, {}, bearer(s.secret))).body.data!.account;
    expect(account).toMatchObject({ __typename: 'Account', id: s.userId, email: 'bearer@example.com', emailVerification: true, status: true, name: '' });
  });

  it('sets an HttpOnly SameSite=Lax cookie that authenticates like the header', async () => {
    const s = await login(t, 'cookie@example.com');
    expect(s.cookie).toMatch(/^session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=31536000$/);
    const account = (await t.gql(ACCOUNT, {}, { cookie: `other=1; ${cookiePair(s.cookie)}` })).body.data!.account;
    expect(account).toMatchObject({ __typename: 'Account', id: s.userId });
  });

  it('treats a missing, unknown or malformed credential as not logged in', async () => {
    const attempts: Record<string, string>[] = [{}, bearer('nope'), { authorization: 'Basic abc' }, { cookie: 'session=unknown' }];
    for (const headers of attempts) {
      const account = (await t.gql(ACCOUNT, {}, headers)).body.data!.account;
      expect(account).toMatchObject({ __typename: 'UnauthorizedError', code: 'USER_UNAUTHORIZED' });
    }
  });

  it('rejects a cross-site form POST carrying the cookie, and accepts JSON', async () => {
    const s = await login(t, 'csrf@example.com');
    const form = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiePair(s.cookie) },
      body: `query=${encodeURIComponent('mutation { deleteSessions { __typename } }')}`,
    });
    expect(form.status).toBe(403);
    const list = (await t.gql(SESSIONS, {}, bearer(s.secret))).body.data!.sessions;
    expect(list.total).toBe(1);
  });

  it('rejects an expired session', async () => {
    const short = await startTestApp({ env: { SESSION_TTL_SECONDS: '60' } });
    try {
      const s = await login(short, 'short@example.com');
      expect((await short.gql(ACCOUNT, {}, bearer(s.secret))).body.data!.account.__typename).toBe('Account');
      short.clock.advance(61);
      expect((await short.gql(ACCOUNT, {}, bearer(s.secret))).body.data!.account.__typename).toBe('UnauthorizedError');
    } finally {
      await short.close();
    }
  });

  it('rejects the sessions of a blocked account', async () => {
    const s = await login(t, 'blocked@example.com');
    await t.db.db.execute(sql`UPDATE users SET status = 'blocked' WHERE id = ${s.userId}`);
    expect((await t.gql(ACCOUNT, {}, bearer(s.secret))).body.data!.account.__typename).toBe('UnauthorizedError');
  });

  it('refreshes accessedAt at most once a minute', async () => {
    const s = await login(t, 'accessed@example.com');
    const accessed = async () => (await t.gql(ACCOUNT, {}, bearer(s.secret))).body.data!.account.accessedAt;
    const first = await accessed();
    t.clock.advance(30);
    expect(await accessed()).toBe(first);
    t.clock.advance(31);
    const later = await accessed();
    expect(new Date(later).getTime() - new Date(first).getTime()).toBe(61_000);
  });
});

describe('sessions', () => {
  it('lists the devices with the right current, without credentials', async () => {
    const a = await login(t, 'devices@example.com', { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' } });
    t.clock.advance(1);
    const b = await login(t, 'devices@example.com');
    const list = (await t.gql(SESSIONS, {}, bearer(b.secret))).body.data!.sessions;
    expect(list.total).toBe(2);
    expect(list.sessions.map((s: { id: string; current: boolean }) => [s.id, s.current])).toEqual([
      [a.sessionId, false],
      [b.sessionId, true],
    ]);
    expect(list.sessions.every((s: { secret: unknown }) => s.secret === null)).toBe(true);
    expect(list.sessions[0].clientName).toBe('Firefox');
    const current = (await t.gql(SESSION, { id: 'current' }, bearer(a.secret))).body.data!.session;
    expect(current).toMatchObject({ __typename: 'Session', id: a.sessionId, current: true });
  });

  it('never shows or deletes a session of another account', async () => {
    const mine = await login(t, 'mine@example.com');
    const theirs = await login(t, 'theirs@example.com');
    expect((await t.gql(SESSION, { id: theirs.sessionId }, bearer(mine.secret))).body.data!.session).toMatchObject({ __typename: 'NotFoundError', code: 'GENERAL_NOT_FOUND' });
    expect((await t.gql(DELETE_SESSION, { id: theirs.sessionId }, bearer(mine.secret))).body.data!.deleteSession.__typename).toBe('NotFoundError');
    expect((await t.gql(DELETE_SESSION, { id: 'bad-id' }, bearer(mine.secret))).body.data!.deleteSession.__typename).toBe('NotFoundError');
    // Hostile text is refused like in every other argument (issue 3).
    expect((await t.gql(DELETE_SESSION, { id: 'bad\u0000id' }, bearer(mine.secret))).body.data!.deleteSession.__typename).toBe('ValidationError');
    expect((await t.gql(ACCOUNT, {}, bearer(theirs.secret))).body.data!.account.__typename).toBe('Account');
  });

  it('logs out with deleteSession("current"): the credential stops working and the cookie is cleared', async () => {
    const s = await login(t, 'logout@example.com');
    const res = await t.gql(DELETE_SESSION, { id: 'current' }, { cookie: cookiePair(s.cookie) });
    expect(res.body.data!.deleteSession).toEqual({ __typename: 'DeletedSession', id: s.sessionId, deleted: true, count: 1, current: true });
    expect(res.headers.get('set-cookie')).toMatch(/^session=; HttpOnly; SameSite=Lax; Path=\/; Max-Age=0$/);
    expect((await t.gql(ACCOUNT, {}, bearer(s.secret))).body.data!.account.__typename).toBe('UnauthorizedError');
  });

  it('deletes another session of the same account without logging this one out', async () => {
    const a = await login(t, 'two@example.com');
    const b = await login(t, 'two@example.com');
    const res = await t.gql(DELETE_SESSION, { id: a.sessionId }, bearer(b.secret));
    expect(res.body.data!.deleteSession).toMatchObject({ id: a.sessionId, current: false });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await t.gql(ACCOUNT, {}, bearer(a.secret))).body.data!.account.__typename).toBe('UnauthorizedError');
    expect((await t.gql(ACCOUNT, {}, bearer(b.secret))).body.data!.account.__typename).toBe('Account');
  });

  it('logs out everywhere with deleteSessions', async () => {
    const a = await login(t, 'everywhere@example.com');
    const b = await login(t, 'everywhere@example.com');
    const res = await t.gql(DELETE_SESSIONS, {}, bearer(b.secret));
    expect(res.body.data!.deleteSessions).toEqual({ __typename: 'DeletedSession', id: b.sessionId, deleted: true, count: 2, current: true });
    for (const s of [a, b]) expect((await t.gql(ACCOUNT, {}, bearer(s.secret))).body.data!.account.__typename).toBe('UnauthorizedError');
  });

  it('evicts the oldest session past SESSION_LIMIT', async () => {
    const logins = [];
    for (let i = 0; i < 4; i++) {
      logins.push(await login(t, 'limit@example.com'));
      t.clock.advance(1);
    }
    const list = (await t.gql(SESSIONS, {}, bearer(logins[3]!.secret))).body.data!.sessions;
    expect(list.sessions.map((s: { id: string }) => s.id)).toEqual(logins.slice(1).map((l) => l.sessionId));
    expect((await t.gql(ACCOUNT, {}, bearer(logins[0]!.secret))).body.data!.account.__typename).toBe('UnauthorizedError');
  });

  it('requires a session for every account operation', async () => {
    for (const [q, field] of [[SESSIONS, 'sessions'], [DELETE_SESSIONS, 'deleteSessions'], [UPDATE_NAME, 'updateName']] as const) {
      const res = await t.gql(q, { name: 'x' });
      expect(res.body.data![field].__typename).toBe('UnauthorizedError');
    }
  });
});

describe('updateName', () => {
  it('sets the name, trimmed, and refuses names over 128 characters or with control characters', async () => {
    const s = await login(t, 'name@example.com');
    expect((await t.gql(UPDATE_NAME, { name: '  Ada Lovelace ' }, bearer(s.secret))).body.data!.updateName).toMatchObject({ __typename: 'Account', name: 'Ada Lovelace' });
    expect((await t.gql(UPDATE_NAME, { name: '' }, bearer(s.secret))).body.data!.updateName).toMatchObject({ __typename: 'Account', name: '' });
    for (const bad of ['x'.repeat(129), 'bad\u0007bell']) {
      const r = (await t.gql(UPDATE_NAME, { name: bad }, bearer(s.secret))).body.data!.updateName;
      expect(r.__typename).toBe('ValidationError');
      expect(r.issues[0].path).toEqual(['name']);
    }
  });
});
