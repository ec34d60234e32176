import { request as httpRequest } from 'node:http';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { CREATE_EMAIL_TOKEN, CREATE_SESSION, login } from '../helpers/login.js';

const GRAPHIQL_INTROSPECTION = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});

/** A raw POST, so the test controls Content-Length and chunking. */
function post(url: string, body: Buffer, headers: Record<string, string | number>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
    });
    // The server may answer 413 and close before the whole body is written.
    req.on('error', (error) => (error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error)));
    if (headers['transfer-encoding'] === 'chunked') {
      for (let i = 0; i < body.length; i += 8192) req.write(body.subarray(i, i + 8192));
      req.end();
    } else {
      req.end(body);
    }
  });
}

const bigQuery = (bytes: number) =>
  Buffer.from(JSON.stringify({ query: `mutation { createEmailToken(userId: "unique()", email: "${'a'.repeat(bytes)}@x.io") { __typename } }` }));

describe('defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("accepts GraphiQL's full introspection query", async () => {
    const res = await t.gql(GRAPHIQL_INTROSPECTION);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.__schema.mutationType.name).toBe('Mutation');
  });

  it('refuses a 500-alias document before running anything', async () => {
    const fields = Array.from({ length: 500 }, (_, i) => `a${i}: account { __typename }`).join(' ');
    const res = await t.gql(`{ ${fields} }`);
    expect(res.status).toBeLessThan(500);
    expect(res.body.data).toBeUndefined();
    // 500 aliases are also 2500 tokens: whichever limit speaks first, nothing runs.
    expect(res.body.errors![0]!.message).toMatch(/Aliases limit of 10 exceeded|Token limit of 1000 exceeded/);
    const eleven = await t.gql(`{ ${Array.from({ length: 11 }, (_, i) => `a${i}: account { __typename }`).join(' ')} }`);
    expect(eleven.body.data).toBeUndefined();
    expect(eleven.body.errors![0]!.message).toMatch(/Aliases limit of 10 exceeded, found 11/);
  });

  it('refuses a 60-level-deep document', async () => {
    const nested = `${'ofType { '.repeat(56)}name${' }'.repeat(56)}`;
    const res = await t.gql(`{ __schema { types { fields { type { ${nested} } } } } }`);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors![0]!.message).toMatch(/depth limit of 20 exceeded/);
  });

  it('refuses a document of too many tokens and one of too many directives', async () => {
    const tokens = await t.gql(`{ ${'__typename '.repeat(1200)} }`);
    expect(tokens.body.errors![0]!.message).toMatch(/Token limit of 1000 exceeded/);
    const directives = await t.gql(`{ __typename ${'@include(if: true) '.repeat(20)} }`);
    expect(directives.body.data).toBeUndefined();
    expect(directives.body.errors![0]!.message).toMatch(/Directives limit of 10 exceeded/);
  });

  it('answers a body over 64 KiB with 413, whether its length is declared or it is chunked', async () => {
    const body = bigQuery(70 * 1024);
    const declared = await post(t.url, body, { 'content-length': body.length });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).errors[0].message).toMatch(/too large/);
    const chunked = await post(t.url, body, { 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    // Just under the limit is parsed and validated as usual.
    const fits = bigQuery(60 * 1024);
    const ok = await post(t.url, fits, { 'transfer-encoding': 'chunked' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).data.createEmailToken.__typename).toBe('ValidationError');
  });

  it('does not accept batched requests', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('echoes a request id, the client’s when it is plausible', async () => {
    const mine = await t.gql('{ __typename }', undefined, { 'x-request-id': 'trace-123' });
    expect(mine.headers.get('x-request-id')).toBe('trace-123');
    const made = await t.gql('{ __typename }', undefined, { 'x-request-id': 'bad id\u00e9' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('masks an unexpected error and gives its request id', async () => {
    // A service that throws stands in for a database failure.
    const original = t.app.services.sessions.createSession;
    t.app.services.sessions.createSession = async () => {
      throw new Error('connection terminated: password=hunter2');
    };
    try {
      const res = await t.gql(CREATE_SESSION, { userId: 'someone', secret: '123456' }, { 'x-request-id': 'req-42' });
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('at ');
      expect(res.body.errors![0]).toMatchObject({
        message: 'Unexpected error.',
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-42' },
      });
    } finally {
      t.app.services.sessions.createSession = original;
    }
  });

  it('suggests field names outside production', async () => {
    const res = await t.gql('{ acount { __typename } }');
    expect(res.body.errors![0]!.message).toMatch(/Did you mean/);
  });

  it.each([
    ['NUL', 'a\u0000b@example.com'],
    ['a control character', 'a\u001bb@example.com'],
    ['a line break', 'a@example.com\nBcc: x@example.com'],
    ['a lone surrogate', 'a\ud800b@example.com'],
    ['a line separator (U+2028)', 'a@example.com\u2028Bcc: x@example.com'],
    ['a paragraph separator (U+2029)', 'a\u2029b@example.com'],
    ['a bidi override (U+202E)', 'a\u202emoc.b@example.com'],
    ['a bidi embedding (U+202A)', 'a\u202ab@example.com'],
    ['a bidi isolate (U+2066)', 'a\u2066b@example.com'],
    ['a bidi isolate end (U+2069)', 'a\u2069b@example.com'],
  ])('answers %s in any argument with ValidationError', async (_, bad) => {
    const email = await t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email: bad });
    expect(email.body.data!.createEmailToken.__typename).toBe('ValidationError');
    const userId = await t.gql(CREATE_EMAIL_TOKEN, { userId: bad, email: 'ok@example.com' });
    expect(userId.body.data!.createEmailToken.__typename).toBe('ValidationError');
    const session = await t.gql(CREATE_SESSION, { userId: bad, secret: '123\u0000456' });
    expect(session.body.data!.createSession).toMatchObject({ __typename: 'ValidationError', code: 'GENERAL_ARGUMENT_INVALID' });
    const paths = new Set(session.body.data!.createSession.issues.map((i: { path: string[] }) => i.path[0]));
    expect([...paths].sort()).toEqual(['secret', 'userId']);
    const { secret } = await login(t, `validation-${Math.random().toString(36).slice(2)}@example.com`);
    const name = await t.gql('mutation ($n: String!) { updateName(name: $n) { __typename } }', { n: bad }, {
      authorization: `Bearer ${secret}`,
    });
    expect(name.body.data!.updateName.__typename).toBe('ValidationError');
    const auth = { authorization: `Bearer ${secret}` };
    const deleted = await t.gql('mutation ($id: String!) { deleteSession(sessionId: $id) { __typename } }', { id: `x${bad}` }, auth);
    expect(deleted.body.data!.deleteSession.__typename).toBe('ValidationError');
    const shown = await t.gql('query ($id: String!) { session(sessionId: $id) { __typename } }', { id: `x${bad}` }, auth);
    expect(shown.body.data!.session.__typename).toBe('ValidationError');
  });
});

describe('production defaults: no introspection, no GraphiQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => t.close());

  it('refuses introspection but still runs operations', async () => {
    const res = await t.gql(GRAPHIQL_INTROSPECTION);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors![0]!.message).toMatch(/introspection/i);
    const ok = await t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email: 'prod@example.com' });
    expect(ok.body.data!.createEmailToken.__typename).toBe('Token');
  });

  it('gives no field suggestions', async () => {
    const res = await t.gql('{ acount { __typename } }');
    expect(res.body.errors![0]!.message).not.toMatch(/Did you mean|account/);
  });

  it('serves no GraphiQL page', async () => {
    const res = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toMatch(/html/);
    expect(await res.text()).not.toMatch(/graphiql/i);
  });
});

describe('production, with GRAPHIQL=on and INTROSPECTION=on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production', GRAPHIQL: 'on', INTROSPECTION: 'on' } });
  });
  afterAll(() => t.close());

  it('answers introspection and serves GraphiQL when the operator opts in', async () => {
    const res = await t.gql(GRAPHIQL_INTROSPECTION);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.__schema.mutationType.name).toBe('Mutation');
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/html/);
    expect(await page.text()).toMatch(/graphiql/i);
  });
});
