/**
 * The floor the benchmark compares otpql with: the least a GraphQL login mutation can cost on this
 * machine. graphql-yoga with one mutation doing one INSERT through postgres.js, nothing else (no
 * validation plugins, no logging, no crypto). Same Node, same PostgreSQL, same pool size as otpql.
 *
 * Plain JavaScript, run with plain `node` (no tsx loader beside it), as an independent harness would.
 *
 * Env: PORT, DATABASE_URL, POOL_MAX (default 10, otpql's). Prints one JSON line {port} when ready.
 */
// @ts-check
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import postgres from 'postgres';

const sql = postgres(/** @type {string} */ (process.env.DATABASE_URL), { max: Number(process.env.POOL_MAX ?? 10), onnotice: () => {} });
await sql`CREATE TABLE IF NOT EXISTS floor_hits (id text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())`;

const yoga = createYoga({
  logging: false,
  landingPage: false,
  graphiql: false,
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type Query { ok: Boolean! }
      type Hit { id: String! }
      type Mutation { hit(id: String!): Hit! }
    `,
    resolvers: {
      Query: { ok: () => true },
      Mutation: {
        hit: async (/** @type {unknown} */ _, /** @type {{ id: string }} */ { id }) => {
          await sql`INSERT INTO floor_hits (id) VALUES (${id})`;
          return { id };
        },
      },
    },
  }),
});

const server = createServer(yoga);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ port: /** @type {import('node:net').AddressInfo} */ (server.address()).port }));
});
const stop = async () => {
  server.close();
  await sql.end({ timeout: 2 });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
