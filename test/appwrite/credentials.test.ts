import { describe, expect, it } from 'vitest';
import { appwriteCredentials, projectOf } from '../../src/appwrite/appwrite.credentials.js';
import { parseCorsOrigins } from '../../src/http/cors.js';

const corsOrigins = parseCorsOrigins('https://app.example.com,https://other.example');
const request = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });
const credentials = (secure: boolean, domain: string | null, sameSite: 'Lax' | 'Strict' | 'None' = 'Lax') =>
  appwriteCredentials({ cookie: { name: 'session', secure, domain, sameSite }, corsOrigins });

describe('the /v1 session cookie has the GraphQL cookie’s attributes, named a_session_<project>', () => {
  it('plain on http, __Host- when Secure without a domain, __Secure- with COOKIE_DOMAIN', () => {
    const cookie = (secure: boolean, domain: string | null, url = 'http://api.example.com/v1/account/sessions/token') =>
      Object.fromEntries(credentials(secure, domain).loginHeaders(request(url), 'p1', 'CRED', 60))['set-cookie'];
    expect(cookie(false, null)).toBe('a_session_p1=CRED; HttpOnly; SameSite=Lax; Path=/; Max-Age=60');
    expect(cookie(false, null, 'https://api.example.com/v1/account/sessions/token')).toBe('__Host-a_session_p1=CRED; HttpOnly; SameSite=Lax; Path=/; Max-Age=60; Secure');
    expect(cookie(true, null)).toBe('__Host-a_session_p1=CRED; HttpOnly; SameSite=Lax; Path=/; Max-Age=60; Secure');
    expect(cookie(true, 'example.com')).toBe('__Secure-a_session_p1=CRED; HttpOnly; SameSite=Lax; Path=/; Max-Age=60; Domain=example.com; Secure');
    // COOKIE_SAMESITE applies to /v1 as to /graphql.
    const none = Object.fromEntries(credentials(true, null, 'None').loginHeaders(request('https://api.example.com/v1/x'), 'p1', 'CRED', 60));
    expect(none['set-cookie']).toBe('__Host-a_session_p1=CRED; HttpOnly; SameSite=None; Path=/; Max-Age=60; Secure');
  });

  it('reads the prefixed cookie back, and refuses two cookies of the name', () => {
    const c = credentials(true, null);
    expect(c.credentialOf(request('https://api.example.com/v1/account', { cookie: '__Host-a_session_p1=CRED' }), 'p1')).toBe('CRED');
    expect(c.credentialOf(request('https://api.example.com/v1/account', { cookie: 'a_session_p1=PLANTED' }), 'p1')).toBeNull();
    expect(c.credentialOf(request('https://api.example.com/v1/account', { cookie: '__Host-a_session_p1=A; __Host-a_session_p1=B' }), 'p1')).toBeNull();
  });
});

describe('X-Fallback-Cookies goes only to allowed pages the cookie may not reach', () => {
  const fallback = (domain: string | null, origin: string) =>
    Object.fromEntries(credentials(false, domain).loginHeaders(request('http://api.example.com/v1/x', { origin }), 'p1', 'CRED', 60))['x-fallback-cookies'];
  it.each([
    [null, 'https://app.example.com', '{"a_session_p1":"CRED"}'],
    ['example.com', 'https://app.example.com', undefined],
    ['example.com', 'https://other.example', '{"a_session_p1":"CRED"}'],
    [null, 'https://evil.example', undefined],
    ['example.com', 'https://evil.example', undefined],
  ])('COOKIE_DOMAIN=%s, Origin %s: %s', (domain, origin, expected) => {
    expect(fallback(domain, origin)).toBe(expected);
  });
});

describe('X-Appwrite-Project', () => {
  it.each(['otpql-demo', '65f1c2e3a4b5c6d7e8f9', 'A.b_c-1', 'x'.repeat(36)])('accepts %s', (project) => {
    expect(projectOf(request('http://x/v1', { 'x-appwrite-project': project }))).toBe(project);
  });
  it.each(['<PROJECT_ID>', '-x', '.x', 'a/b', 'a,b', 'ä', 'x'.repeat(37)])('refuses %s', (project) => {
    expect(() => projectOf(request('http://x/v1', { 'x-appwrite-project': project }))).toThrow(/X-Appwrite-Project/);
  });
});
