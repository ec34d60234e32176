import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The PostgreSQL server binaries (Debian's layout), or null where none are installed. */
export const POSTGRES_BIN = (() => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort().at(-1);
  const bin = version && join(root, version, 'bin');
  return bin && existsSync(join(bin, 'initdb')) ? bin : null;
})();
// CI has the server (it runs the PostgreSQL leg on it) and sets this: there a missing initdb fails
// the run instead of skipping the restart tests.
if (!POSTGRES_BIN && process.env.REQUIRE_POSTGRES_BIN === '1') {
  throw new Error('REQUIRE_POSTGRES_BIN=1 but no /usr/lib/postgresql/<version>/bin/initdb: apt-get install -y postgresql');
}

/** A directory the `postgres` user owns when the tests run as root (its servers refuse to run as root). */
export async function ownedByPostgres(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  chownSync(dir, await id('-u'), await id('-g'));
}

/** The command line that runs `file` as `postgres` when the tests run as root. */
export const asPostgres = (file: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];

export interface OwnPostgres {
  url: string;
  port: number;
  /** `fast` ends every connection (a restart); `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A PostgreSQL cluster of the test's own, in a temporary directory on a free port, that the test may
 * stop, crash and start (never the shared one on 5432). Root runs the binaries as `postgres`.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  if (!POSTGRES_BIN) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'otpql-own-pg-'));
  await ownedByPostgres(dir);
  const exec = (tool: string, args: string[]) => run(...asPostgres(join(POSTGRES_BIN!, tool), args));
  const port = await freePort();
  const data = join(dir, 'data');
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  };
  await start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop(mode = 'fast') {
      await exec('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
