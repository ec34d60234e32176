import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip, useCompression } from '../../src/http/compression.js';
import { login } from '../helpers/login.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

/** A GET or POST whose body is read as bytes, as they came over the wire (fetch would inflate them). */
function raw(url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    // A connection of its own (agent: false): no race with the server closing an idle keep-alive one.
    const req = httpRequest(url, { method: body ? 'POST' : 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('accept-encoding', () => {
  it.each([
    ['gzip, deflate, br, zstd', true],
    ['deflate, gzip;q=1.0, *;q=0.5', true],
    ['*', true],
    ['br', false],
    ['gzip;q=0', false],
    ['identity', false],
    ['', false],
  ])('%j accepts gzip: %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('compressed responses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("sends GraphiQL's page gzipped to a browser that accepts it, whole once inflated", async () => {
    const html = { accept: 'text/html' };
    const plain = await raw(t.url, html);
    const gzipped = await raw(t.url, { ...html, 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toContain('Accept-Encoding');
    expect(gunzipSync(gzipped.bytes).equals(plain.bytes)).toBe(true);
    // Measured: 9,054,336 bytes plain, ~2.6 MB gzipped.
    expect(plain.bytes.length).toBeGreaterThan(5_000_000);
    expect(gzipped.bytes.length).toBeLessThan(plain.bytes.length / 3);
  });

  it('leaves small answers and answers that set a cookie (a session secret) uncompressed', async () => {
    const gzip = { 'content-type': 'application/json', 'accept-encoding': 'gzip' };
    const small = await raw(t.url, gzip, JSON.stringify({ query: '{ __typename }' }));
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.bytes.toString())).toEqual({ data: { __typename: 'Query' } });

    const { cookie, secret } = await login(t, 'ada@example.com');
    expect(cookie).toContain('HttpOnly');
    const big = await raw(t.url, { ...gzip, authorization: `Bearer ${secret}` }, JSON.stringify({ query: '{ __schema { types { name description } } }' }));
    expect(big.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(big.bytes).toString()).data.__schema.types.length).toBeGreaterThan(20);

    // A cookie-setting answer of the same size is not compressed (here the hook, since createSession's
    // answer is under 1 KB anyway).
    const response = new Response('x'.repeat(4096), { headers: { 'content-type': 'application/json', 'set-cookie': 'session=s' } });
    let replaced: Response | undefined;
    const hook = useCompression().onResponse as (payload: object) => void;
    hook({ request: new Request(t.url, { headers: { 'accept-encoding': 'gzip' } }), response, setResponse: (r: Response) => (replaced = r), fetchAPI: globalThis });
    expect(replaced).toBeUndefined();
    hook({ request: new Request(t.url, { headers: { 'accept-encoding': 'gzip' } }), response: new Response('x'.repeat(4096), { headers: { 'content-type': 'application/json' } }), setResponse: (r: Response) => (replaced = r), fetchAPI: globalThis });
    expect(replaced?.headers.get('content-encoding')).toBe('gzip');
    replaced = undefined;
    hook({ request: new Request(t.url, { headers: { 'accept-encoding': 'gzip' } }), response: new Response('x'.repeat(4096), { headers: { 'content-type': 'text/event-stream' } }), setResponse: (r: Response) => (replaced = r), fetchAPI: globalThis });
    expect(replaced, 'a stream of events is not held back').toBeUndefined();
  });
});
