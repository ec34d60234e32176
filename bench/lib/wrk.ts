import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUERIES } from './workloads.js';

/**
 * The load generator: Debian's `wrk` (C, one event loop per thread, LuaJIT) with bench/wrk.lua.
 * Every request is built in the script's init(), before wrk connects; every answer is judged there
 * (status, `errors`, __typename, the echoed id). See bench/wrk.lua for the scenarios and the checks.
 */
export type WrkScenario = 'floor' | 'send' | 'login' | 'account';

export interface WrkOptions {
  url: string;
  scenario: WrkScenario;
  /** Unique per run: the ids and emails the script generates start with it. */
  prefix: string;
  connections: number;
  threads: number;
  durationS: number;
  /** floor, send: requests generated per thread (the run sends filler, uncounted, if they run out). */
  count?: number;
  /** login: "userId code" lines, each used once; account: "userId secret" lines, round robin. */
  data?: string[];
  /**
   * Called when wrk's threads start (after every thread's init) and again just before its window
   * ends: the caller reads CPU counters there, so the window excludes building the requests.
   */
  window?: { start(wrkPid: number): void; end(wrkPid: number): void };
  workDir: string;
}

export interface WrkResult {
  durationS: number;
  /** Verified answers (the expected __typename and data). */
  ok: number;
  /** Requests sent with prepared data (filler excluded). */
  sent: number;
  failures: Record<string, number>;
  /** wrk's own: socket errors, timeouts, non-2xx/3xx (also in failures, by status). */
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  /** The prepared data ran out before the end (the rest of the run sent uncounted filler). */
  exhausted: boolean;
  latency: { p50: number; p90: number; p99: number; max: number };
  /** send: "requestId userId"; login: "userId secret", of verified answers. */
  records: string[];
}

const SCRIPT = new URL('../wrk.lua', import.meta.url).pathname;

/** wrk on the PATH, or how to get it. */
export function checkWrk(): { ok: true; version: string } | { ok: false; message: string } {
  const probe = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (probe.error) {
    return {
      ok: false,
      message:
        'npm run bench needs wrk (the HTTP load generator, C + LuaJIT), which is not on the PATH.\n' +
        '  Debian/Ubuntu: apt-get install -y wrk      macOS: brew install wrk\n' +
        'There is no fallback on purpose: a load generator in Node (autocannon) takes the CPU the servers\n' +
        'need on a small machine and makes every ratio to the floor look better than it is (issue 15).',
    };
  }
  const first = `${probe.stdout}${probe.stderr}`.split('\n')[0]!;
  return { ok: true, version: /^wrk \S+/.exec(first)?.[0] ?? first.trim() };
}

/** coreutils' stdbuf (Linux): without it wrk's "Running" line comes at exit and the window starts at spawn. */
const hasStdbuf = !spawnSync('stdbuf', ['--version']).error;

const ms = (us: number) => Math.round(us / 100) / 10;

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const dataFile = join(options.workDir, `${options.prefix}.in`);
  const outFile = join(options.workDir, `${options.prefix}.out`);
  if (options.data) writeFileSync(dataFile, options.data.join('\n') + '\n');
  const threads = Math.max(1, Math.min(options.threads, options.connections));
  const args = ['-t', String(threads), '-c', String(options.connections), '-d', `${options.durationS}s`, '--timeout', '10s', '-s', SCRIPT, options.url];
  // stdbuf: wrk prints "Running …" once every thread's init is done; unbuffered, that line marks the window's start.
  const child = spawn(hasStdbuf ? 'stdbuf' : 'wrk', hasStdbuf ? ['-oL', 'wrk', ...args] : args, {
    env: {
      ...process.env,
      BENCH_SCENARIO: options.scenario,
      BENCH_PREFIX: options.prefix,
      BENCH_COUNT: String(options.count ?? 0),
      BENCH_DATA: dataFile,
      BENCH_THREADS: String(threads),
      BENCH_QUERY: options.scenario === 'floor' ? '' : JSON.stringify(QUERIES[options.scenario]).slice(1, -1),
      BENCH_OUT: outFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let started = false;
  let endTimer: NodeJS.Timeout | undefined;
  const start = () => {
    started = true;
    options.window?.start(child.pid!);
    // Just before wrk stops (it sleeps exactly the duration after printing the line).
    endTimer = setTimeout(() => options.window?.end(child.pid!), Math.max(100, options.durationS * 1000 - 150));
  };
  if (!hasStdbuf) start();
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (!started && output.includes('Running')) start();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(endTimer);
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${output}`);
  const [head = '', ...records] = readFileSync(outFile, 'utf8').split('\n');
  rmSync(outFile, { force: true });
  rmSync(dataFile, { force: true });
  const raw = JSON.parse(head) as {
    durationUs: number;
    ok: number;
    sent: number;
    exhausted: number;
    failures: Record<string, number> | never[];
    errors: WrkResult['errors'];
    latencyUs: { p50: number; p90: number; p99: number; max: number };
  };
  return {
    durationS: raw.durationUs / 1e6,
    ok: raw.ok,
    sent: raw.sent,
    // An empty Lua table prints as {} (an object); the typing covers what JSON.parse may give.
    failures: Array.isArray(raw.failures) ? {} : raw.failures,
    errors: raw.errors,
    exhausted: raw.exhausted === 1,
    latency: { p50: ms(raw.latencyUs.p50), p90: ms(raw.latencyUs.p90), p99: ms(raw.latencyUs.p99), max: ms(raw.latencyUs.max) },
    records: records.filter((line) => line !== ''),
  };
}
