import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asPostgres, freePort, ownedByPostgres } from './own-postgres.js';
import { eventually } from './wait.js';

/**
 * Debian's pgbouncer package. CI installs it and sets REQUIRE_PGBOUNCER=1, so there a missing
 * PgBouncer fails the run instead of skipping the pooler's tests.
 */
export const PGBOUNCER = '/usr/sbin/pgbouncer';
export const hasPgBouncer = existsSync(PGBOUNCER);
if (!hasPgBouncer && process.env.REQUIRE_PGBOUNCER === '1') {
  throw new Error(`REQUIRE_PGBOUNCER=1 but ${PGBOUNCER} does not exist: apt-get install -y pgbouncer`);
}

export interface PgBouncer {
  port: number;
  /** `url` with its host and port replaced by the pooler's. */
  through(url: string): string;
  stop(): Promise<void>;
}

/**
 * A PgBouncer of the test's own in transaction mode, on a free port, in front of the PostgreSQL at
 * `target` (`host:port`). Like a production one it refuses the timeouts as startup parameters, so
 * they are listed in ignore_startup_parameters (see docs/operations.md).
 */
export async function startPgBouncer(target: { host: string; port: number }): Promise<PgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'otpql-pgbouncer-'));
  await ownedByPostgres(dir);
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      // auth_type any: every client logs in to PostgreSQL as this user.
      `* = host=${target.host} port=${target.port} user=postgres`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir =",
      'auth_type = any',
      'pool_mode = transaction',
      'max_client_conn = 200',
      'default_pool_size = 5',
      'ignore_startup_parameters = extra_float_digits,statement_timeout,lock_timeout,idle_in_transaction_session_timeout',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      'admin_users = postgres',
      '',
    ].join('\n'),
  );
  await ownedByPostgres(ini);
  const child: ChildProcess = spawn(...asPostgres(PGBOUNCER, [ini]), { stdio: 'ignore' });
  await eventually(
    'PgBouncer listening',
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
    10_000,
    100,
  );
  return {
    port,
    through(url) {
      const u = new URL(url);
      u.host = `127.0.0.1:${port}`;
      return u.toString();
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // The pooler itself (runuser, when root started it, does not pass every signal on).
        const pid = Number(readFileSync(join(dir, 'pgbouncer.pid'), 'utf8').trim());
        if (pid) process.kill(pid, 'SIGINT');
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
