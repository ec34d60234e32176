import fc from 'fast-check';
import { type GraphQLArgument, type GraphQLField, getNamedType, isNonNullType, isObjectType, isUnionType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/app/schema.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { LIMITED } from './helpers.js';

/** Every mutation of the schema, read from the schema itself: a new one is fuzzed without a change here. */
const mutations = Object.values(schema.getMutationType()!.getFields());

/** `mutation ($a: String!, …) { field(a: $a, …) { __typename } }` with the argument types as declared. */
function operation(field: GraphQLField<unknown, unknown>): string {
  const args = field.args as readonly GraphQLArgument[];
  const vars = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const type = getNamedType(field.type);
  const selection = isObjectType(type) || isUnionType(type) ? ' { __typename }' : '';
  return `mutation${vars ? ` (${vars})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
}

// What a hostile or broken client sends: any JSON, the wrong types, hostile text, and huge values.
const utf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));
const hostileValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  utf16,
  fc.emailAddress(),
  fc.stringMatching(/^[0-9]{1,12}$/),
  fc.constantFrom('unique()', '', ' ', 'current', '\u0000', '\ud800', '\udc00x', 'a@b.c\r\nBcc: x@y.z', "'; DROP TABLE users; --"),
  fc.constantFrom('x'.repeat(20_000), `${'9'.repeat(5000)}@example.com`, '\u{1F600}'.repeat(5000)),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53 + 1, -0, 1e308, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);

const byName = new Map(mutations.map((m) => [m.name, m]));
const call = fc.constantFrom(...byName.keys()).chain((name) => {
  const args = byName.get(name)!.args;
  return fc
    .tuple(...args.map((a) => (isNonNullType(a.type) ? hostileValue : fc.option(hostileValue, { nil: undefined }))))
    .map((values) => ({ name, variables: Object.fromEntries(args.map((a, i) => [a.name, values[i]])) }));
});

describe('hostile arguments to every mutation', () => {
  let t: TestApp;
  let bearer: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ env: LIMITED });
    // Logged in, so the account mutations run past the credential check too.
    bearer = { authorization: `Bearer ${(await t.login('fuzz-victim@example.com')).secret}` };
  });
  afterAll(() => t.close());

  it('covers createEmailToken, createSession, deleteSession, deleteSessions and updateName', () => {
    expect(mutations.map((m) => m.name)).toEqual(
      expect.arrayContaining(['createEmailToken', 'createSession', 'deleteSession', 'deleteSessions', 'updateName']),
    );
  });

  it('always answer a typed result or a client error: never a 5xx, never an unmasked error', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(call, async ({ name, variables }) => {
        const res = await t.gql(operation(byName.get(name)!), variables, bearer);
        expect(res.status).toBeLessThan(500);
        for (const error of res.body.errors ?? []) {
          expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
          expect(error.message).not.toMatch(/Unexpected error|\bat .+:\d+:\d+|postgres|drizzle|pglite|syntax error at or near/i);
        }
        const result = res.body.data?.[name];
        if (result) seen.add(`${name}:${result.__typename}`);
      }),
      { numRuns: 120, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), interruptAfterTimeLimit: 20_000 },
    );
    // The typed errors were reached, not only GraphQL's variable coercion.
    expect([...seen].some((s) => s.endsWith(':ValidationError'))).toBe(true);
  });

  it('still works afterwards', async () => {
    const { secret } = await t.login('after-fuzz@example.com');
    const res = await t.gql('{ account { __typename ... on Account { email } } }', undefined, { authorization: `Bearer ${secret}` });
    expect(res.body.data!.account).toEqual({ __typename: 'Account', email: 'after-fuzz@example.com' });
  });
});
