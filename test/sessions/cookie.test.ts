import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

const ACCOUNT = '{ account { __typename ... on Account { email } } }';
const pair = (setCookie: string) => setCookie.split(';')[0]!;
const accountWith = async (t: TestApp, cookie: string) => (await t.gql(ACCOUNT, {}, { cookie })).body.data!.account.__typename;

describe('with Secure in force and no COOKIE_DOMAIN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { COOKIE_SECURE: 'true' } });
  });
  afterAll(() => t.close());

  it('names the cookie __Host-session: host-only, Secure, Path=/, so no sibling subdomain can set it', async () => {
    const s = await t.login('host-prefix@example.com');
    expect(s.cookie).toMatch(/^__Host-session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=\d+; Secure$/);
    expect(s.cookie).not.toMatch(/Domain=/i);
    expect(await accountWith(t, pair(s.cookie))).toBe('Account');
  });

  it('ignores a plain `session` cookie, which a sibling subdomain could have planted for the parent domain', async () => {
    const s = await t.login('planted@example.com');
    expect(await accountWith(t, `session=${s.secret}`)).toBe('UnauthorizedError');
  });

  it('refuses the credential when several cookies of its name arrive, rather than pick one', async () => {
    const victim = await t.login('victim-fixation@example.com');
    const attacker = await t.login('attacker-fixation@example.com');
    for (const order of [
      `${pair(victim.cookie)}; __Host-session=${attacker.secret}`,
      `__Host-session=${attacker.secret}; ${pair(victim.cookie)}`,
      `${pair(victim.cookie)}; ${pair(victim.cookie)}`,
    ]) {
      expect(await accountWith(t, order)).toBe('UnauthorizedError');
    }
  });
});

describe('with COOKIE_DOMAIN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { COOKIE_SECURE: 'true', COOKIE_DOMAIN: '.Example.com' } });
  });
  afterAll(() => t.close());

  it('shares the cookie with the subdomains, named __Secure-session (the __Host- prefix forbids Domain)', async () => {
    const s = await t.login('shared@example.com');
    expect(s.cookie).toMatch(/^__Secure-session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=\d+; Domain=example\.com; Secure$/);
    expect(await accountWith(t, pair(s.cookie))).toBe('Account');
  });
});

describe('without Secure (plain http, development)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('keeps the plain name, and still refuses duplicates', async () => {
    const s = await t.login('plain@example.com');
    expect(pair(s.cookie)).toMatch(/^session=/);
    expect(await accountWith(t, `${pair(s.cookie)}; session=x`)).toBe('UnauthorizedError');
  });
});
