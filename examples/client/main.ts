// npm run example:client -- you@example.com
// Logs in against a running server (OTPQL_URL, default http://localhost:4000/graphql), asking for the
// code from the mail on standard input, then prints the account and its sessions and logs out.
import { createInterface } from 'node:readline';
import { GraphQLRequestError } from '../shared/request.js';
import { runLogin } from './login.js';

const email = process.argv[2];
if (!email || email.startsWith('-')) {
  console.error('usage: npm run example:client -- you@example.com   (OTPQL_URL picks the server)');
  process.exit(2);
}
const url = process.env.OTPQL_URL || 'http://localhost:4000/graphql';

const lines = createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();

try {
  const outcome = await runLogin({
    url,
    email,
    log: (line) => console.log(line),
    async readCode({ attempt }) {
      process.stdout.write(attempt === 1 ? 'Code from the mail: ' : 'Try again: ');
      const line = await lines.next();
      if (line.done) {
        process.stdout.write('\n');
        throw new Error('standard input closed before a code was typed');
      }
      return line.value;
    },
  });
  process.exitCode = outcome.ok ? 0 : 1;
} catch (error) {
  const reason = error instanceof GraphQLRequestError && error.requestId ? ` (request ${error.requestId})` : '';
  console.error(`${(error as Error).message}${reason}`);
  process.exitCode = 1;
} finally {
  await lines.return?.();
}
