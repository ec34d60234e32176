import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';

/** The benchmark's child processes: otpql, the floor and the mail sink, each in its own process. */
export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Everything it printed, for the report when it dies. */
  output: string[];
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `node [nodeArgs] <script>` with `env` added to the benchmark's environment; a `.ts` script
 * goes through tsx.
 */
export function startNode(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = [], cwd?: string): Child {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    process: child,
    pid: child.pid!,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits for the child's first JSON line on stdout (the ready line of the floor and the sink). */
export function readyLine<T>(child: Child, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${child.name} not ready in ${timeoutMs} ms:\n${child.output.join('')}`)), timeoutMs);
    child.process.once('exit', (code) => reject(new Error(`${child.name} exited (${code}):\n${child.output.join('')}`)));
    child.process.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as T);
      }
    });
  });
}

/** Waits until a GraphQL endpoint answers `{ __typename }`. */
export async function waitForGraphql(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited:\n${child.output.join('')}`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name} did not answer at ${url} within ${timeoutMs} ms:\n${child.output.join('')}`);
}

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux

/** user + system CPU time of a process, in ms (/proc/<pid>/stat fields 14 and 15). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return 0; // gone (a PostgreSQL backend that ended)
  }
}

/** Peak resident memory in MB since start or the last resetPeakRss (VmHWM). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0), so each scenario reports its own peak. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The node flags of `npm run start:prod` (`node <flags> dist/main.js`), from the package.json in `dir`. */
export function startProdFlags(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = (pkg.scripts['start:prod'] ?? '').trim().split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.findIndex((w) => w.endsWith('.js')));
}

/** Waits until the sink has `expected` mails and no more arrive for `quietMs` (bounded by timeoutMs). */
export async function waitForMail(sinkHttp: string, expected: number, quietMs = 0, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let received = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const now = ((await (await fetch(`${sinkHttp}/stats`)).json()) as { received: number }).received;
    if (now !== received) [received, since] = [now, Date.now()];
    if (received >= expected && Date.now() - since >= quietMs) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return received;
}
