import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from './helpers/server-process.js';

describe('the server process (npm start)', () => {
  let server: ServerProcess | undefined;
  afterEach(() => server?.cleanUp());

  it('exits with status 1 and the problems, without a stack, on a bad configuration', async () => {
    server = spawnServer({ PORT: 'x', OTP_LENGTH: '3' });
    const { code } = await server.exited(Date.now());
    expect(code).toBe(1);
    expect(server.output).toMatch(/Invalid configuration:\n\s+- PORT: .*\n\s+- OTP_LENGTH: /);
    expect(server.output).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('npm run worker exits with status 1 and the reason on the embedded database', async () => {
    server = spawnServer({}, 'src/mail/worker-main.ts');
    const { code } = await server.exited(Date.now());
    expect(code).toBe(1);
    expect(server.output).toMatch(/npm run worker needs DATABASE_URL/);
    expect(server.output).not.toMatch(/\n\s+at /);
  }, 60_000);
});
