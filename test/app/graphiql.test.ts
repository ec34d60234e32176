import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_DOCUMENT, GRAPHIQL_VARIABLES } from '../../src/app/graphiql.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

// GraphiQL sends the whole document with the operation's name: it must pass the document limits
// (tokens, aliases, depth) and every operation must run as written, with the variables given.
describe("GraphiQL's preloaded document", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const run = async (operationName: string, variables: Record<string, unknown>) => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: GRAPHIQL_DOCUMENT, operationName, variables }),
    });
    return (await res.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };
  };

  it('uses variables and spells out every union member', () => {
    const names = parse(GRAPHIQL_DOCUMENT).definitions.map((d) => ('name' in d ? d.name?.value : undefined));
    expect(names).toEqual(['SendCode', 'LogIn', 'Me']);
    expect(Object.keys(JSON.parse(GRAPHIQL_VARIABLES))).toEqual(['email', 'userId', 'code']);
    for (const member of ['Token', 'RateLimitError', 'UserBlockedError', 'UserConflictError', 'ValidationError', 'Session', 'InvalidTokenError', 'Account', 'UnauthorizedError']) {
      expect(GRAPHIQL_DOCUMENT).toContain(`... on ${member} {`);
    }
  });

  it('logs in as written: SendCode, LogIn with the code, then Me', async () => {
    const variables = { ...JSON.parse(GRAPHIQL_VARIABLES), email: 'graphiql@example.com' };
    const sent = await run('SendCode', variables);
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.createEmailToken).toMatchObject({ __typename: 'Token', phrase: expect.any(String) });
    const { code } = await t.mail.next('graphiql@example.com');
    const wrong = await run('LogIn', { ...variables, userId: sent.data!.createEmailToken!.userId, code: '000000' });
    expect(wrong.data!.createSession!.__typename).toBe('InvalidTokenError');
    const session = await run('LogIn', { ...variables, userId: sent.data!.createEmailToken!.userId, code });
    expect(session.data!.createSession).toMatchObject({ __typename: 'Session', current: true });
    const me = await run('Me', variables);
    expect(me.errors).toBeUndefined();
    expect(me.data!.account!.__typename).toBe('UnauthorizedError'); // no cookie jar in this client
  });
});
