#!/usr/bin/env node
import { runCli } from './app/cli.js';

/**
 * `otpql` (`npx otpql …`, `npm run cli -- …`): the operator's command line. `serve` and `worker`
 * start the two entry points; every other command runs and exits with its status.
 */
const [command] = process.argv.slice(2);
if (command === 'serve' && process.argv.length === 3) {
  await import('./main.js');
} else if (command === 'worker' && process.argv.length === 3) {
  await import('./worker.js');
} else {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}
