import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  readonly output: string;
  /** Resolves as soon as the output matches `pattern` (checked on every chunk, not polled). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves with the exit status (or the signal's name) and how long after `since` it came. */
  exited(since: number): Promise<{ code: number | string | null; ms: number }>;
  /** Kills what is left and removes the data directory. */
  cleanUp(): void;
}

/**
 * `npm start` as a real process (node with tsx's loader, as `npx tsx src/main.ts` runs it, without
 * npx between the test and the server's signals), on an embedded database in a fresh directory.
 */
export function spawnServer(env: Record<string, string>, script = 'src/main.ts'): ServerProcess {
  const dataDir = mkdtempSync(join(tmpdir(), 'otpql-process-'));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiting = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk;
    for (const check of waiting) check();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    get output() {
      return output;
    },
    waitFor(pattern) {
      return new Promise((resolve) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          waiting.delete(check);
          resolve(match);
        };
        waiting.add(check);
        check();
      });
    },
    async exited(since) {
      const [code, signal] = await exit;
      return { code: code ?? signal, ms: Date.now() - since };
    },
    cleanUp() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits for the server's "listening" line (PORT=0: the system picked the port) and returns its URL. */
export async function listeningUrl(server: ServerProcess): Promise<string> {
  const match = await server.waitFor(/listening on (http:\/\/\S+\/graphql)/);
  return match[1]!;
}
