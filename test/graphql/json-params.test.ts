import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../helpers/log-capture.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

// A GET needs a non-simple header to pass the CSRF check, as a real client's would.
const CSRF = { 'x-graphql-yoga-csrf': '1' };

describe('GraphQL parameters that are not JSON', () => {
  const log = captureLog();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production' }, logger: log.logger });
  });
  afterAll(() => t.close());

  const get = (params: Record<string, string>) => fetch(`${t.url}?${new URLSearchParams({ query: '{ __typename }', ...params })}`, { headers: CSRF });

  it.each(['variables', 'extensions'])('a GET with malformed %s JSON is a 400 naming the parameter, not a logged 500', async (param) => {
    const errorsBefore = log.lines.filter((l) => l.level >= 50).length;
    for (const bad of ['{x', 'nope', '{"a":']) {
      const res = await get({ [param]: bad });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/json/);
      const body = await res.json();
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([{ message: `The "${param}" parameter is not valid JSON.`, extensions: { code: 'BAD_REQUEST' } }]);
    }
    // A client's mistake is not an unexpected error: nothing at error level, no stack in the log.
    expect(log.lines.filter((l) => l.level >= 50).slice(errorsBefore)).toEqual([]);
  });

  it('a form POST with malformed variables is a 400 too', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...CSRF },
      body: new URLSearchParams({ query: '{ __typename }', variables: '{x' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toMatch(/"variables".* is not valid JSON/);
  });

  it('still answers a GET whose parameters are JSON', async () => {
    const res = await get({ query: 'query ($yes: Boolean!) { __typename @include(if: $yes) }', variables: '{"yes":true}', extensions: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
