import { parseArgs } from 'node:util';
import { type Database } from '../db/client.js';
import { migrate, migrationsApplied } from '../db/migrate.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { type AccountReport, UnknownUserError, createAdmin } from '../ops/admin.js';
import { ConfigError, loadConfig } from './config.js';
import { StartupError, openDatabase } from './resources.js';

const USAGE = `Usage: otpql <command> [<userId|email>] [--json]

Commands:
  migrate                          apply the database migrations, then exit
  users:show <userId|email>        the account, its sessions, and whether a login code is live
  users:block <userId|email>       block the account and delete its sessions: its credentials stop working at once
  users:unblock <userId|email>     let the account log in again
  sessions:revoke <userId|email>   delete every session of the account (log it out everywhere)
  serve                            run the server (as npm start)
  worker                           run the stand-alone mail worker (as npm run worker)

Options:
  --json       print the result as JSON
  -h, --help   print this text

Reads the server's environment: DATABASE_URL (and AUTH_SECRET), or DATA_DIR for the embedded
database, which only one process may open: stop the server first.
Exit status: 0 done, 1 failed (configuration, database), 2 wrong usage, 3 no such account.`;

export const EXIT = { ok: 0, failed: 1, usage: 2, unknownUser: 3 } as const;

export interface CliIo {
  env: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
  /** Tests hand in their database; otherwise the configured one is opened and closed. */
  database?: Database;
  clock?: Clock;
}

const ACCOUNT_COMMANDS = ['users:show', 'users:block', 'users:unblock', 'sessions:revoke'] as const;
type AccountCommand = (typeof ACCOUNT_COMMANDS)[number];

/** What `otpql` does with its arguments, except `serve` and `worker` (src/cli.ts starts those); the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const [command, ref, ...extra] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    io.out(USAGE);
    return EXIT.ok;
  }
  const takesAccount = ACCOUNT_COMMANDS.includes(command as AccountCommand);
  if (command !== 'migrate' && !takesAccount) {
    io.err(`${command ? `Unknown command "${command}".` : 'No command given.'}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if ((takesAccount && !ref) || (takesAccount ? extra.length > 0 : ref !== undefined)) {
    io.err(`${command} takes ${takesAccount ? 'one <userId|email>' : 'no arguments'}.\n\n${USAGE}`);
    return EXIT.usage;
  }

  let database = io.database;
  try {
    const config = loadConfig(io.env);
    database ??= await openDatabase(config);
    if (command === 'migrate') {
      await migrate(database);
      io.out('Migrations applied.');
      return EXIT.ok;
    }
    if (!(await migrationsApplied(database.db))) {
      io.err(`The database is not migrated, or has migrations pending: run \`otpql migrate\` (or start the server once) first.`);
      return EXIT.failed;
    }
    const admin = createAdmin({ db: database.db, clock: io.clock ?? systemClock, maxAttempts: config.otp.maxAttempts });
    const print = (text: string, value: unknown) => io.out(parsed.values.json ? JSON.stringify(value, null, 2) : text);
    switch (command as AccountCommand) {
      case 'users:show': {
        const report = await admin.show(ref!);
        print(describe(report), report);
        break;
      }
      case 'users:block': {
        const { account, sessionsDeleted } = await admin.block(ref!);
        print(`Blocked ${account.id} <${account.email}>; deleted ${sessionsDeleted} sessions.`, { account, sessionsDeleted });
        break;
      }
      case 'users:unblock': {
        const account = await admin.unblock(ref!);
        print(`Unblocked ${account.id} <${account.email}>.`, { account });
        break;
      }
      case 'sessions:revoke': {
        const { account, sessionsDeleted } = await admin.revokeSessions(ref!);
        print(`Deleted ${sessionsDeleted} sessions of ${account.id} <${account.email}>.`, { account, sessionsDeleted });
        break;
      }
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UnknownUserError) {
      io.err(error.message);
      return EXIT.unknownUser;
    }
    io.err(error instanceof ConfigError || error instanceof StartupError ? error.message : `${command} failed: ${reason(error)}`);
    return EXIT.failed;
  } finally {
    if (database && !io.database) await database.close().catch(() => {});
  }
}

/** An error's own message: a query error's names the database's reason, not the query and its parameters (an email). */
function reason(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : (error as Error).message;
}

/** users:show for a terminal. */
function describe({ account, sessions, liveCodeExpires }: AccountReport): string {
  const lines = [
    `Account ${account.id} <${account.email}>`,
    `  status: ${account.status}${account.emailVerification ? ', email verified' : ', email not verified'}${account.name ? `, name: ${account.name}` : ''}`,
    `  created ${account.createdAt.toISOString()}, last seen ${account.accessedAt.toISOString()}`,
    `  login code: ${liveCodeExpires ? `live until ${liveCodeExpires.toISOString()}` : 'none live'}`,
    `  sessions: ${sessions.length}`,
    ...sessions.map(
      (s) =>
        `    ${s.id}  since ${s.createdAt.toISOString()}  until ${s.expire.toISOString()}  ${s.ip ?? '-'}  ${[s.clientName, s.osName].filter(Boolean).join(' on ') || '-'}`,
    ),
  ];
  return lines.join('\n');
}
