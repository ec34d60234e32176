/**
 * `npm run bench`: otpql under load, against a floor measured in the same run (see README, Performance).
 *
 *   --db postgres|embedded   database of the server under test (default postgres)
 *   --connections 64         concurrent connections of the load generator (wrk)
 *   --threads 1              wrk's threads (its event loops); one is plenty for 64 connections
 *   --max-rate 8000          requests per second the generated floor/send data is sized for
 *   --duration 10            seconds measured per scenario (after --warmup seconds, not measured)
 *   --scenarios send,login,account,send-ratelimited
 *   --profile                run the server under `node --cpu-prof` and print the top entries
 *   --tsx                    run the server from source through tsx (default: `npm run build`, then
 *                            `node dist/main.js`, as in production)
 *   --semi-space N           V8 young-generation size in MB for the compiled server (default: the
 *                            flags of `npm run start:prod`, read from package.json)
 *   --node-flags="..."      the compiled server's node flags instead of those of `npm run start:prod`
 *                            (e.g. `--node-flags="--max-semi-space-size=16 --heap-growing-percent=50"`)
 *   --mail-worker in-process|separate   who delivers the mail: the server's own worker (default, as
 *                            `npm start` runs), or a second process (`dist/worker.js`, the server with
 *                            MAIL_WORKER=off), whose CPU is printed under the table
 *   --log-level warn         the server's LOG_LEVEL (`info`, production's default, adds one request line
 *                            per request on stdout, which the benchmark reads and drops)
 *   --server-dir DIR         run the server from another checkout (e.g. a `git archive` of a commit
 *                            with node_modules linked), to compare versions with the same benchmark
 *
 * Processes: this one (bookkeeping, preparation, the SQL census: idle during a measured window), the
 * load generator (wrk with bench/wrk.lua, requests built before its window), the server, the floor
 * server (plain node), the SMTP sink.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { type Census, startCensus } from './lib/pg-census.js';
import { type Child, cpuMs, freePort, peakRssMb, readyLine, resetPeakRss, startNode, startProdFlags, waitForGraphql, waitForMail } from './lib/processes.js';
import { type Window, printProfile, summarizeProfile } from './lib/profile.js';
import { type ScenarioRow, pct, printTable, sqlPerRequest, tableMarkdown } from './lib/report.js';
import { type Ledger, type Workload, accountWorkload, loginWorkload, newLedger, runId, sendOne, sendWorkload } from './lib/workloads.js';
import { countRows, verify } from './lib/verify.js';
import { type WrkOptions, type WrkResult, checkWrk, runWrk } from './lib/wrk.js';

const wrkCheck = checkWrk();
if (!wrkCheck.ok) {
  console.error(wrkCheck.message);
  process.exit(2);
}
// Narrowed to `ok` for the functions below (a narrowing does not reach into them).
const wrk = wrkCheck;

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    connections: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1' },
    'max-rate': { type: 'string', default: '8000' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    scenarios: { type: 'string', default: 'send,login,account,send-ratelimited' },
    'census-requests': { type: 'string', default: '50' },
    profile: { type: 'boolean', default: false },
    'server-dir': { type: 'string' },
    tsx: { type: 'boolean', default: false },
    'semi-space': { type: 'string' },
    'node-flags': { type: 'string' },
    'mail-worker': { type: 'string', default: 'in-process' },
    'log-level': { type: 'string', default: 'warn' },
  },
});
const dbKind = args.db === 'embedded' ? 'embedded' : 'postgres';
const connections = Math.min(1024, Math.max(1, Number(args.connections)));
const wrkThreads = Math.min(connections, Math.max(1, Number(args.threads)));
const maxRate = Math.max(100, Number(args['max-rate']));
const cores = availableParallelism();
const durationS = Math.min(600, Math.max(1, Number(args.duration)));
const warmupS = Math.min(60, Math.max(0, Number(args.warmup)));
const censusRequests = Math.min(1000, Math.max(1, Number(args['census-requests'])));
const scenarios = args.scenarios.split(',').map((s) => s.trim());
if (args['mail-worker'] !== 'in-process' && args['mail-worker'] !== 'separate') {
  console.error(`--mail-worker ${args['mail-worker']}: in-process or separate`);
  process.exit(2);
}
const separateWorker = args['mail-worker'] === 'separate';
if (separateWorker && dbKind === 'embedded') {
  console.error('--mail-worker separate needs PostgreSQL: PGlite belongs to one process');
  process.exit(2);
}
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const authSecret = randomBytes(32).toString('base64');
const resultsDir = new URL('./results/', import.meta.url).pathname;
const profileDir = join(resultsDir, `profile-${Date.now()}`);
const workDir = mkdtempSync(join(tmpdir(), 'otpql-wrk-'));

const benchDb = `otpql_bench_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
const benchUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${benchDb}`;
  return url.toString();
})();
// The server runs compiled, as in production: tsx's loader alone costs ~50 MB of memory.
const serverScript = args.tsx ? 'src/main.ts' : 'dist/main.js';

/** The server's node flags: those of `npm run start:prod`, or --node-flags, with --semi-space applied. */
function serverNodeFlags(): string[] {
  const flags = args['node-flags'] !== undefined ? args['node-flags'].split(/\s+/).filter(Boolean) : startProdFlags(args['server-dir'] ?? '.');
  if (args['semi-space'] === undefined) return flags;
  return [...flags.filter((f) => !f.startsWith('--max-semi-space-size')), `--max-semi-space-size=${Number(args['semi-space'])}`];
}
const serverFlags = args.tsx ? [] : serverNodeFlags();
if (!args.tsx) execFileSync('npm', ['run', '-s', 'build'], { cwd: args['server-dir'], stdio: 'inherit' });
const children: Child[] = [];
let census: Census | undefined;
let dataDir: string | undefined;
const ledger = newLedger();
const windows: Array<Window & { name: string }> = [];
let limitedPid: number | undefined;
let sink: Child | undefined;
let mailWorker: Child | undefined;
let wrkRuns = 0;

async function startOtpql(name: string, env: Record<string, string>, profile = false) {
  const port = await freePort();
  const child = startNode(
    name,
    serverScript,
    { PORT: String(port), HOST: '127.0.0.1', AUTH_SECRET: authSecret, LOG_LEVEL: args['log-level'], RATE_LIMIT: 'off', ...env },
    // The flags of `npm run start:prod`, as in production.
    [...serverFlags, ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    args['server-dir'],
  );
  children.push(child);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphql(child, url);
  return { child, url };
}

/** The PostgreSQL backends connected to the bench database (their CPU is read around a window). */
async function postgresPids(): Promise<number[]> {
  const rows = await admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${benchDb}`;
  return rows.map((r) => r.pid);
}

/** One wrk run of a scenario: what it needs prepared, and what its answers add to the ledger. */
type Load = (phase: 'warm-up' | 'measured' | 'prepare', durationS: number, window?: WrkOptions['window']) => Promise<WrkResult>;

const wrkRun = (url: string, scenario: WrkOptions['scenario'], durationS: number, extra: Partial<WrkOptions>) =>
  runWrk({ url, scenario, prefix: `b${runId}r${++wrkRuns}`, connections, threads: wrkThreads, durationS, workDir, ...extra });

/** Generated ids, sized for `maxRate` over the run: the floor's mutation with a fresh id each. */
const floorLoad = (url: string): Load => async (_phase, durationS, window) => {
  const result = await wrkRun(url, 'floor', durationS, { count: Math.ceil((maxRate * durationS) / wrkThreads), window });
  ledger.requested.floor += result.sent;
  ledger.floorHits += result.ok;
  return result;
};

/** createEmailToken for a new email each request (`<requestId>@example.com`); the answers' userIds are kept. */
const sendLoad = (url: string): Load => async (_phase, durationS, window) => {
  const result = await wrkRun(url, 'send', durationS, { count: Math.ceil((maxRate * durationS) / wrkThreads), window });
  ledger.requested.send += result.sent;
  for (const line of result.records) {
    const [requestId, userId] = line.split(' ');
    ledger.tokens.set(`${requestId}@example.com`, userId!);
  }
  return result;
};

/** createSession with unused (userId, code) pairs; a warm-up uses a share, the measured run the rest. */
const loginLoad = (url: string, floorRps: () => number): Load => async (phase, durationS, window) => {
  const take = phase === 'measured' ? ledger.pairs.length : Math.ceil(Math.max(floorRps(), 500) * durationS * 0.8);
  const pairs = ledger.pairs.splice(0, take);
  const result = await wrkRun(url, 'login', durationS, { data: pairs.map((p) => `${p.userId} ${p.code}`), window });
  ledger.requested.login += result.sent;
  ledger.sessionsCreated += result.ok;
  for (const line of result.records) {
    const [userId, secret] = line.split(' ');
    ledger.sessions.push({ userId: userId!, secret: secret! });
  }
  return result;
};

/** The account query with the bearer credential of the sessions the login runs created, round robin. */
const accountLoad = (url: string): Load => async (_phase, durationS, window) =>
  wrkRun(url, 'account', durationS, { data: ledger.sessions.map((s) => `${s.userId} ${s.secret}`), window });

/** CPU time (ms) of the processes that share the machine during a window. */
function cpuSnapshot(pids: { generator: number; server: number; postgres: number[] }) {
  return {
    atMs: performance.now(),
    atUs: Number(process.hrtime.bigint() / 1000n),
    generator: cpuMs(pids.generator),
    server: cpuMs(pids.server),
    postgres: pids.postgres.reduce((sum, pid) => sum + cpuMs(pid), 0),
    sink: sink ? cpuMs(sink.pid) : 0,
    mailWorker: mailWorker ? cpuMs(mailWorker.pid) : 0,
    bench: process.cpuUsage(),
  };
}

/** Warm-up, then the measured window with CPU and memory read around it. */
async function measure(scenario: string, server: Child, load: Load, floorRps: number | null): Promise<ScenarioRow> {
  if (warmupS > 0) await load('warm-up', warmupS);
  const rssReset = resetPeakRss(server.pid);
  const onPostgres = dbKind === 'postgres' || scenario.startsWith('floor');
  const pgPids = onPostgres ? await postgresPids() : [];
  let before: ReturnType<typeof cpuSnapshot> | undefined;
  let after: ReturnType<typeof cpuSnapshot> | undefined;
  const result = await load('measured', durationS, {
    start: (generator) => (before = cpuSnapshot({ generator, server: server.pid, postgres: pgPids })),
    end: (generator) => (after = cpuSnapshot({ generator, server: server.pid, postgres: pgPids })),
  });
  if (!before || !after) throw new Error(`${scenario}: the measured window was not observed (no "Running" line from wrk)`);
  windows.push({ name: scenario, startUs: before.atUs, endUs: after.atUs });
  const windowMs = after.atMs - before.atMs;
  const share = (ms: number) => Math.round((1000 * ms) / (windowMs * cores)) / 1000;
  const benchCpuMs = (after.bench.user + after.bench.system - before.bench.user - before.bench.system) / 1000;
  const errors: Record<string, number> = { ...result.failures };
  for (const kind of ['connect', 'read', 'write', 'timeout'] as const) if (result.errors[kind]) errors[`socket-${kind}`] = result.errors[kind];
  const answered = result.ok + Object.values(result.failures).reduce((a, b) => a + b, 0);
  // Answers within the CPU window (a little shorter than wrk's), assuming an even rate.
  const answeredInWindow = (answered * windowMs) / 1000 / result.durationS;
  const perRequest = (ms: number) => (answeredInWindow ? ms / answeredInWindow : 0);
  const rps = result.ok / result.durationS;
  const row: ScenarioRow = {
    scenario,
    rps: Math.round(rps),
    ratioToFloor: floorRps ? Math.round((100 * rps) / floorRps) / 100 : null,
    cpuRatioToFloor: null,
    latencyMs: result.latency,
    ok: result.ok,
    errors,
    durationS: result.durationS,
    exhausted: result.exhausted,
    serverCpuMsPerRequest: perRequest(after.server - before.server),
    postgresCpuMsPerRequest: onPostgres ? perRequest(after.postgres - before.postgres) : null,
    cpuShare: {
      generator: share(after.generator - before.generator),
      server: share(after.server - before.server),
      postgres: onPostgres ? share(after.postgres - before.postgres) : null,
      sink: share(after.sink - before.sink),
      bench: share(benchCpuMs),
      ...(mailWorker ? { mailWorker: share(after.mailWorker - before.mailWorker) } : {}),
    },
    serverPeakRssMb: peakRssMb(server.pid),
    sql: null,
  };
  if (!rssReset) row.note = 'peak RSS since the server started (clear_refs not writable)';
  console.log(
    `  ${scenario}: ${row.rps} req/s verified, p99 ${row.latencyMs.p99} ms, errors ${JSON.stringify(errors)}; CPU of ${cores} cores: ` +
      `generator ${pct(row.cpuShare.generator)}, server ${pct(row.cpuShare.server)}, postgres ${pct(row.cpuShare.postgres)}, sink ${pct(row.cpuShare.sink)}`,
  );
  return row;
}

let sinkCursor = 0;
/** Turns the mails received since the last call into unused (userId, code) pairs. */
async function collectPairs(sinkHttp: string) {
  const { next, codes } = (await (await fetch(`${sinkHttp}/codes?from=${sinkCursor}`)).json()) as { next: number; codes: Array<[string, string | null]> };
  sinkCursor = next;
  for (const [email, code] of codes) {
    const userId = ledger.tokens.get(email);
    if (userId && code) ledger.pairs.push({ userId, code });
  }
}

async function main() {
  mkdirSync(resultsDir, { recursive: true });
  await admin.unsafe(`CREATE DATABASE ${benchDb}`);
  console.log(
    `bench: ${dbKind} database, ${wrk.version}, ${wrkThreads} thread(s) × ${connections} connections, ${durationS} s per scenario after ${warmupS} s warm-up, ${cores} cores (database ${benchDb})`,
  );

  sink = startNode('smtp-sink', 'bench/smtp-sink.ts', {});
  children.push(sink);
  const { smtpPort, httpPort } = await readyLine<{ smtpPort: number; httpPort: number }>(sink);
  const sinkHttp = `http://127.0.0.1:${httpPort}`;
  const smtpUrl = `smtp://127.0.0.1:${smtpPort}`;

  const floorPort = await freePort();
  // Plain node, no loader: the floor as an independent harness would run it.
  const floor = startNode('floor', 'bench/floor-server.mjs', { PORT: String(floorPort), DATABASE_URL: benchUrl });
  children.push(floor);
  await readyLine(floor);

  if (dbKind === 'embedded') dataDir = mkdtempSync(join(tmpdir(), 'otpql-bench-'));
  const serverEnv: Record<string, string> = dbKind === 'postgres' ? { DATABASE_URL: benchUrl } : { DATA_DIR: dataDir! };
  const server = await startOtpql('otpql', { ...serverEnv, SMTP_URL: smtpUrl, ...(separateWorker ? { MAIL_WORKER: 'off' } : {}) }, args.profile);
  if (separateWorker) {
    // `npm run worker:prod`: the same environment, no listener of its own.
    mailWorker = startNode('mail-worker', args.tsx ? 'src/worker.ts' : 'dist/worker.js', { ...serverEnv, SMTP_URL: smtpUrl, AUTH_SECRET: authSecret, LOG_LEVEL: 'warn' }, [], args['server-dir']);
    children.push(mailWorker);
  }

  const rows: ScenarioRow[] = [];
  console.log('measuring floor');
  const floorUrl = `http://127.0.0.1:${floorPort}/graphql`;
  const floorRow = await measure('floor', floor, floorLoad(floorUrl), null);
  rows.push(floorRow);
  // Measured again at the end (below); the ratios use the mean of both, as load from elsewhere drifts.
  let floorRps = floorRow.rps;

  const wants = (s: string) => scenarios.includes(s);
  if (wants('send')) {
    console.log('measuring send');
    rows.push(await measure('send', server.child, sendLoad(server.url), floorRps));
  }
  if (wants('login') || wants('account')) {
    // Codes for the accounts the send scenario created; more if it did not run or made too few: a
    // login cannot outrun the floor, so the floor's rate over warm-up and run (plus the census) is enough.
    const needed = wants('login') ? Math.ceil(Math.max(floorRps, 1000) * (warmupS + durationS) * 1.1) + censusRequests : 500;
    if (ledger.tokens.size < needed) {
      console.log(`preparing ${needed - ledger.tokens.size} accounts with codes`);
      const prepare = sendLoad(server.url);
      for (let round = 0; ledger.tokens.size < needed && round < 60; round++) await prepare('prepare', 3);
    }
    // Until the mail stops: requests still in flight when a run stopped created accounts too, whose
    // mails would otherwise be delivered during the login window (on the server's CPU).
    const received = await waitForMail(sinkHttp, ledger.tokens.size, 1500, 120_000);
    await collectPairs(sinkHttp);
    console.log(`collected ${ledger.pairs.length} codes from the sink (${received} mails received)`);
  }
  if (wants('login') || wants('account')) {
    const reserved = ledger.pairs.splice(0, censusRequests); // for the SQL census
    if (wants('login')) {
      console.log('measuring login');
      rows.push(await measure('login', server.child, loginLoad(server.url, () => floorRps), floorRps));
    } else await loginLoad(server.url, () => floorRps)('measured', 5); // sessions for account
    ledger.pairs.push(...reserved);
  }
  if (wants('account')) {
    console.log(`measuring account (${ledger.sessions.length} sessions)`);
    rows.push(await measure('account', server.child, accountLoad(server.url), floorRps));
  }

  if (wants('send-ratelimited')) {
    console.log('measuring send with RATE_LIMIT=on (a second server on the same database)');
    // PGlite is one process's database: on it the first server must stop before the second opens it.
    if (dbKind === 'embedded') await server.child.stop();
    const limited = await startOtpql('otpql-ratelimited', { ...serverEnv, SMTP_URL: smtpUrl, RATE_LIMIT: 'on' }, args.profile);
    limitedPid = limited.child.pid;
    const row = await measure('send-ratelimited', limited.child, sendLoad(limited.url), floorRps);
    row.note = row.errors.RateLimitError
      ? `RATE_LIMIT=on is in effect: ${row.errors.RateLimitError} RateLimitError answers (all requests come from one IP); answered ${Math.round((row.ok + row.errors.RateLimitError) / row.durationS)} req/s in all`
      : 'RATE_LIMIT=on had no visible effect (no RateLimitError answer)';
    rows.push(row); // stopped with the others, after its mail worker delivered what it queued
  }

  console.log('measuring floor again');
  const floorAgain = await measure('floor (end)', floor, floorLoad(floorUrl), null);
  rows.splice(1, 0, floorAgain);
  floorRow.scenario = 'floor (start)';
  floorRps = (floorRow.rps + floorAgain.rps) / 2;
  const floorCpu = (floorRow.serverCpuMsPerRequest + floorAgain.serverCpuMsPerRequest) / 2;
  for (const row of rows.slice(2)) {
    row.ratioToFloor = Math.round((100 * row.ok) / row.durationS / floorRps) / 100;
    row.cpuRatioToFloor = row.serverCpuMsPerRequest ? Math.round((100 * floorCpu) / row.serverCpuMsPerRequest) / 100 : null;
  }

  if (dbKind === 'postgres') await runCensus(rows, smtpUrl);

  // Verification against the database and the sink, after the mail worker caught up.
  const mails = await waitForMail(sinkHttp, ledger.tokens.size, 3000);
  let profile;
  for (const child of [...children].reverse()) if (child !== sink) await child.stop();
  if (args.profile) {
    // node names each profile CPU.<date>.<time>.<pid>.….cpuprofile
    const fileOf = (pid: number | undefined) => readdirSync(profileDir).find((f) => f.includes(`.${pid}.`) && f.endsWith('.cpuprofile'));
    profile = windows
      .filter((w) => !w.name.startsWith('floor'))
      .flatMap((w) => {
        const file = fileOf(w.name === 'send-ratelimited' ? limitedPid : server.child.pid);
        return file ? [summarizeProfile(join(profileDir, file), w, 12)] : [];
      });
    profile.forEach(printProfile);
  }
  const counts = await countRows(dbKind === 'postgres' ? { url: benchUrl } : { dataDir: `${dataDir}/pg` }, benchUrl);
  const verification = verify(ledger, counts, mails);

  const title = `otpql on ${dbKind === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded)'}, ${wrk.version}, ${wrkThreads} thread(s) × ${connections} connections, ${durationS} s after ${warmupS} s warm-up, ${cores} cores, Node ${process.version}, server flags: ${serverFlags.join(' ') || 'none'}, mail ${separateWorker ? 'by a separate worker process' : "by the server's own worker"}, LOG_LEVEL=${args['log-level']}`;
  printTable(title, rows);
  console.log(`\nverification: ${verification.ok ? 'OK' : 'MISMATCH'}`);
  for (const line of verification.lines) console.log(`  ${line}`);

  const base = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${dbKind}`);
  writeFileSync(
    `${base}.json`,
    JSON.stringify(
      { db: dbKind, connections, wrkThreads, durationS, warmupS, cores, node: process.version, generator: wrk.version, serverFlags, rows, verification, windows, profile },
      null,
      2,
    ),
  );
  writeFileSync(`${base}.md`, `${tableMarkdown(title, rows)}\nverification: ${verification.ok ? 'OK' : 'MISMATCH'}\n${verification.lines.map((l) => `- ${l}`).join('\n')}\n`);
  console.log(`\nwritten ${base}.json and ${base}.md`);
  if (!verification.ok) process.exitCode = 1;
}

/** A second server, through the counting proxy, answers a few sequential requests per scenario. */
async function runCensus(rows: ScenarioRow[], smtpUrl: string) {
  const pg = new URL(benchUrl);
  census = await startCensus(pg.hostname, Number(pg.port || 5432));
  const viaProxy = new URL(benchUrl);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(census.port);
  // No mail worker and no rate limits: only the statements on the request path are counted.
  const counted = await startOtpql('otpql-census', { DATABASE_URL: viaProxy.toString(), SMTP_URL: smtpUrl, MAIL_WORKER: 'off' });
  const workloads: Record<string, Workload<never>> = {
    send: sendWorkload(ledger) as Workload<never>,
    login: loginWorkload(ledger) as Workload<never>,
    account: accountWorkload(ledger) as Workload<never>,
  };
  for (const row of rows) {
    const workload = workloads[row.scenario];
    if (!workload) continue;
    await new Promise((r) => setTimeout(r, 200));
    census.reset();
    let done = 0;
    for (let i = 0; i < censusRequests; i++) if ((await sendOne(counted.url, workload)) === 'ok') done++;
    if (done > 0) row.sql = sqlPerRequest(census.snapshot(), done);
  }
  await counted.child.stop();
  await census.close();
}

try {
  await main();
} finally {
  for (const child of children) await child.stop();
  await census?.close().catch(() => {});
  await admin.unsafe(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`).catch((e) => console.error(`could not drop ${benchDb}: ${e}`));
  await admin.end();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
}
