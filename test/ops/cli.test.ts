import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '../../src/app/cli.js';
import { onPostgres } from '../helpers/database.js';
import { codeFor, login, sendCode } from '../helpers/login.js';
import { TEST_AUTH_SECRET, type TestApp, startTestApp } from '../helpers/test-app.js';

const ACCOUNT = '{ account { __typename } }';

/** `npm run cli -- …` as a process: its exit status and what it printed. */
async function cliProcess(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { PATH: process.env.PATH, ...env },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c));
  child.stderr.on('data', (c: Buffer) => (output += c));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, output };
}

describe('otpql (the admin command line) on the running service’s database', () => {
  let t: TestApp;
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runCli(argv, { env: { AUTH_SECRET: TEST_AUTH_SECRET }, out: (l) => out.push(l), err: (l) => out.push(l), database: t.db, clock: t.clock });
    return { code, output: out.join('\n') };
  };
  const account = async (secret: string) => (await t.gql(ACCOUNT, undefined, { authorization: `Bearer ${secret}` })).body.data?.account.__typename;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('users:block: the account’s Bearer credentials stop working at once, its sessions are gone, and it gets no code', async () => {
    const first = await login(t, 'Mallory@Example.com');
    const second = await login(t, 'mallory@example.com');
    expect(await account(first.secret)).toBe('Account');

    const blocked = await cli('users:block', 'MALLORY@example.com');
    expect(blocked).toEqual({ code: EXIT.ok, output: `Blocked ${first.userId} <mallory@example.com>; deleted 2 sessions.` });
    expect(await account(first.secret)).toBe('UnauthorizedError');
    expect(await account(second.secret)).toBe('UnauthorizedError');
    expect((await sendCode(t, 'mallory@example.com')).__typename).toBe('UserBlockedError');

    const shown = await cli('users:show', first.userId);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.output).toContain('status: blocked');
    expect(shown.output).toContain('sessions: 0');

    expect(await cli('users:unblock', first.userId)).toEqual({ code: EXIT.ok, output: `Unblocked ${first.userId} <mallory@example.com>.` });
    // Unblocking gives back the account, not the deleted sessions.
    expect(await account(first.secret)).toBe('UnauthorizedError');
    expect(await account((await login(t, 'mallory@example.com')).secret)).toBe('Account');
  });

  it('users:show: the account, its sessions and whether a code is live, never the code', async () => {
    const { secret, sessionId } = await login(t, 'shown@example.com');
    const { code, userId } = await codeFor(t, 'shown@example.com');
    const shown = await cli('users:show', 'shown@example.com');
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.output).toMatch(new RegExp(`^Account ${userId} <shown@example.com>\\n  status: active, email verified`));
    expect(shown.output).toMatch(/login code: live until \d{4}-/);
    expect(shown.output).toContain(`    ${sessionId}  since `);
    expect(shown.output).not.toContain(code);
    expect(shown.output).not.toContain(secret);
    const json = JSON.parse((await cli('users:show', userId, '--json')).output);
    expect(json).toMatchObject({ account: { id: userId, status: 'active' }, sessions: [{ id: sessionId }] });
    expect(JSON.stringify(json)).not.toMatch(/secret|credential|codeHash/i);
  });

  it('sessions:revoke: logs the account out everywhere, and leaves it active', async () => {
    const { secret, userId } = await login(t, 'revoked@example.com');
    expect(await cli('sessions:revoke', userId)).toEqual({ code: EXIT.ok, output: `Deleted 1 sessions of ${userId} <revoked@example.com>.` });
    expect(await account(secret)).toBe('UnauthorizedError');
    expect((await sendCode(t, 'revoked@example.com')).__typename).toBe('Token');
  });

  it('says so, with status 3, for an unknown account, and prints the usage with status 2 for a wrong call', async () => {
    expect(await cli('users:block', 'nobody@example.com')).toEqual({ code: EXIT.unknownUser, output: 'No account with the id or email "nobody@example.com".' });
    expect(await cli('sessions:revoke', 'no-such-id')).toMatchObject({ code: EXIT.unknownUser });
    for (const argv of [[], ['users:block'], ['users:nuke', 'x'], ['users:show', 'a', 'b'], ['migrate', 'x'], ['--verbose']]) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(EXIT.usage);
      expect(result.output).toContain('Usage: otpql <command>');
    }
    expect(await cli('--help')).toMatchObject({ code: EXIT.ok, output: expect.stringContaining('users:block <userId|email>') });
  });
});

describe('otpql as a process', () => {
  it('prints the usage and exits 2 without a command', async () => {
    const { code, output } = await cliProcess([]);
    expect(code).toBe(2);
    expect(output).toMatch(/^No command given\.\n\nUsage: otpql/);
  }, 60_000);

  it('exits 1 with the configuration’s problems', async () => {
    const { code, output } = await cliProcess(['users:show', 'x'], { DATABASE_URL: 'postgres://nowhere/db' });
    expect(code).toBe(1);
    expect(output).toMatch(/Invalid configuration:\n\s+- AUTH_SECRET: required/);
  }, 60_000);

  it('on a database never migrated: says to run migrate (exit 1), then migrate makes users:show work', async () => {
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'otpql-cli-')) };
    try {
      const before = await cliProcess(['users:show', 'someone@example.com'], env);
      expect(before).toEqual({ code: 1, output: 'The database is not migrated, or has migrations pending: run `otpql migrate` (or start the server once) first.\n' });
      expect(await cliProcess(['migrate'], env)).toMatchObject({ code: 0 });
      expect(await cliProcess(['users:show', 'someone@example.com'], env)).toEqual({ code: 3, output: 'No account with the id or email "someone@example.com".\n' });
    } finally {
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    }
  }, 120_000);

  describe.skipIf(!onPostgres)('on PostgreSQL, beside a running server', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('migrate, then users:block: the credential stops working at once', async () => {
      const env = { DATABASE_URL: t.db.url!, AUTH_SECRET: TEST_AUTH_SECRET };
      expect(await cliProcess(['migrate'], env)).toEqual({ code: 0, output: 'Migrations applied.\n' });
      const { secret, userId } = await login(t, 'process@example.com');
      const blocked = await cliProcess(['users:block', userId], env);
      expect(blocked).toEqual({ code: 0, output: `Blocked ${userId} <process@example.com>; deleted 1 sessions.\n` });
      expect((await t.gql(ACCOUNT, undefined, { authorization: `Bearer ${secret}` })).body.data?.account.__typename).toBe('UnauthorizedError');
      expect(await cliProcess(['users:show', 'ghost@example.com'], env)).toEqual({ code: 3, output: 'No account with the id or email "ghost@example.com".\n' });
    }, 120_000);
  });
});
