/**
 * `npm run bench`: otpql under load, against a floor measured in the same run (see README, Performance).
 *
 *   --db postgres|embedded   database of the server under test (default postgres)
 *   --connections 64         concurrent connections of the load generator
 *   --duration 10            seconds measured per scenario (after --warmup seconds, not measured)
 *   --scenarios send,login,account,send-ratelimited
 *   --profile                run the server under `node --cpu-prof` and print the top entries
 *   --tsx                    run the server from source through tsx (default: `npm run build`, then
 *                            `node dist/main.js`, as in production)
 *   --semi-space 4           V8 young-generation size in MB for the compiled server (start:prod's)
 *   --server-dir DIR         run the server from another checkout (e.g. a `git archive` of a commit
 *                            with node_modules linked), to compare versions with the same benchmark
 *
 * Processes: this one (load generator, bookkeeping), the server, the floor server, the SMTP sink.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { type Workload, runLoad } from './lib/load.js';
import { type Census, startCensus } from './lib/pg-census.js';
import { type Child, cpuMs, freePort, peakRssMb, readyLine, resetPeakRss, startNode, waitForGraphql } from './lib/processes.js';
import { type Window, printProfile, summarizeProfile } from './lib/profile.js';
import { type ScenarioRow, printTable, sqlPerRequest } from './lib/report.js';
import { type Ledger, accountWorkload, floorWorkload, loginWorkload, newLedger, sendOne, sendWorkload } from './lib/workloads.js';
import { countRows, verify } from './lib/verify.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    scenarios: { type: 'string', default: 'send,login,account,send-ratelimited' },
    'census-requests': { type: 'string', default: '50' },
    profile: { type: 'boolean', default: false },
    'server-dir': { type: 'string' },
    tsx: { type: 'boolean', default: false },
    'semi-space': { type: 'string', default: '4' },
  },
});
const dbKind = args.db === 'embedded' ? 'embedded' : 'postgres';
const connections = Math.min(1024, Math.max(1, Number(args.connections)));
const durationS = Math.min(600, Math.max(1, Number(args.duration)));
const warmupS = Math.min(60, Math.max(0, Number(args.warmup)));
const censusRequests = Math.min(1000, Math.max(1, Number(args['census-requests'])));
const scenarios = args.scenarios.split(',').map((s) => s.trim());
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const authSecret = randomBytes(32).toString('base64');
const resultsDir = new URL('./results/', import.meta.url).pathname;
const profileDir = join(resultsDir, `profile-${Date.now()}`);

const benchDb = `otpql_bench_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
const benchUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${benchDb}`;
  return url.toString();
})();
// The server runs compiled, as in production: tsx's loader alone costs ~50 MB of memory.
const serverScript = args.tsx ? 'src/main.ts' : 'dist/main.js';
if (!args.tsx) execFileSync('npm', ['run', '-s', 'build'], { cwd: args['server-dir'], stdio: 'inherit' });
const children: Child[] = [];
let census: Census | undefined;
let dataDir: string | undefined;
const ledger = newLedger();
const windows: Array<Window & { name: string }> = [];
let limitedPid: number | undefined;

async function startOtpql(name: string, env: Record<string, string>, profile = false) {
  const port = await freePort();
  const child = startNode(
    name,
    serverScript,
    { PORT: String(port), HOST: '127.0.0.1', AUTH_SECRET: authSecret, LOG_LEVEL: 'warn', RATE_LIMIT: 'off', ...env },
    // The flags of `npm run start:prod`: a 4 MB young generation keeps peak RSS near 200 MB under load.
    [...(args.tsx ? [] : [`--max-semi-space-size=${Number(args['semi-space'])}`]), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    args['server-dir'],
  );
  children.push(child);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphql(child, url);
  return { child, url };
}

/** CPU time of the PostgreSQL backends connected to the bench database. */
async function postgresCpuMs(): Promise<number> {
  const rows = await admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${benchDb}`;
  return rows.reduce((sum, r) => sum + cpuMs(r.pid), 0);
}

/** Warm-up, then the measured window with CPU and memory read around it. */
async function measure<T>(scenario: string, url: string, server: Child, workload: Workload<T>, floorRps: number | null): Promise<ScenarioRow> {
  if (warmupS > 0) await runLoad(url, workload, { connections, durationS: warmupS });
  const rssReset = resetPeakRss(server.pid);
  const cpu0 = cpuMs(server.pid);
  const onPostgres = dbKind === 'postgres' || scenario.startsWith('floor');
  const pg0 = onPostgres ? await postgresCpuMs() : 0;
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const load = await runLoad(url, workload, { connections, durationS });
  windows.push({ name: scenario, startUs, endUs: Number(process.hrtime.bigint() / 1000n) });
  const cpu1 = cpuMs(server.pid);
  const pg1 = onPostgres ? await postgresCpuMs() : 0;
  const errors = { ...load.failures };
  if (load.transportErrors) errors['socket-error'] = load.transportErrors;
  if (load.timeouts) errors.timeout = load.timeouts;
  const answered = load.ok + Object.values(load.failures).reduce((a, b) => a + b, 0);
  const rps = load.ok / load.durationS;
  const row: ScenarioRow = {
    scenario,
    rps: Math.round(rps),
    ratioToFloor: floorRps ? Math.round((100 * rps) / floorRps) / 100 : null,
    cpuRatioToFloor: null,
    latencyMs: load.latency,
    ok: load.ok,
    errors,
    durationS: load.durationS,
    exhausted: load.exhausted,
    serverCpuMsPerRequest: answered ? (cpu1 - cpu0) / answered : 0,
    postgresCpuMsPerRequest: onPostgres ? (answered ? (pg1 - pg0) / answered : 0) : null,
    serverPeakRssMb: peakRssMb(server.pid),
    sql: null,
  };
  if (!rssReset) row.note = 'peak RSS since the server started (clear_refs not writable)';
  console.log(`  ${scenario}: ${row.rps} req/s verified, p99 ${row.latencyMs.p99} ms, errors ${JSON.stringify(errors)}`);
  return row;
}

async function sinkCodes(sinkHttp: string, from: number) {
  const answer = (await (await fetch(`${sinkHttp}/codes?from=${from}`)).json()) as { next: number; codes: Array<[string, string | null]> };
  return answer;
}

/** Waits until the sink has `expected` mails and no more arrive for `quietMs` (bounded by timeoutMs). */
async function waitForMail(sinkHttp: string, expected: number, quietMs = 0, timeoutMs = 60_000): Promise<number> {
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

let sinkCursor = 0;
/** Turns the mails received since the last call into unused (userId, code) pairs. */
async function collectPairs(sinkHttp: string) {
  const { next, codes } = await sinkCodes(sinkHttp, sinkCursor);
  sinkCursor = next;
  for (const [email, code] of codes) {
    const userId = ledger.tokens.get(email);
    if (userId && code) ledger.pairs.push({ userId, code });
  }
}

async function main() {
  mkdirSync(resultsDir, { recursive: true });
  await admin.unsafe(`CREATE DATABASE ${benchDb}`);
  console.log(`bench: ${dbKind} database, ${connections} connections, ${durationS} s per scenario after ${warmupS} s warm-up (database ${benchDb})`);

  const sink = startNode('smtp-sink', 'bench/smtp-sink.ts', {});
  children.push(sink);
  const { smtpPort, httpPort } = await readyLine<{ smtpPort: number; httpPort: number }>(sink);
  const sinkHttp = `http://127.0.0.1:${httpPort}`;
  const smtpUrl = `smtp://127.0.0.1:${smtpPort}`;

  const floorPort = await freePort();
  const floor = startNode('floor', 'bench/floor-server.ts', { PORT: String(floorPort), DATABASE_URL: benchUrl });
  children.push(floor);
  await readyLine(floor);

  if (dbKind === 'embedded') dataDir = mkdtempSync(join(tmpdir(), 'otpql-bench-'));
  const serverEnv: Record<string, string> = dbKind === 'postgres' ? { DATABASE_URL: benchUrl } : { DATA_DIR: dataDir! };
  const server = await startOtpql('otpql', { ...serverEnv, SMTP_URL: smtpUrl }, args.profile);

  const rows: ScenarioRow[] = [];
  console.log('measuring floor');
  const floorRow = await measure('floor', `http://127.0.0.1:${floorPort}/graphql`, floor, floorWorkload(ledger), null);
  rows.push(floorRow);
  // Measured again at the end (below); the ratios use the mean of both, as load from elsewhere drifts.
  let floorRps = floorRow.rps;

  const wants = (s: string) => scenarios.includes(s);
  if (wants('send')) {
    console.log('measuring send');
    rows.push(await measure('send', server.url, server.child, sendWorkload(ledger), floorRps));
  }
  if (wants('login') || wants('account')) {
    // Codes for the accounts the send scenario created; more if it did not run or made too few: a
    // login cannot outrun the floor, so the floor's rate over warm-up and run (plus the census) is enough.
    const needed = wants('login') ? Math.ceil(Math.max(floorRps, 1000) * (warmupS + durationS) * 1.1) + censusRequests : 500;
    if (ledger.tokens.size < needed) {
      console.log(`preparing ${needed - ledger.tokens.size} accounts with codes`);
      await runLoad(server.url, sendWorkload(ledger, needed - ledger.tokens.size), { connections, durationS: 120 });
    }
    const received = await waitForMail(sinkHttp, ledger.tokens.size, 0, 120_000);
    await collectPairs(sinkHttp);
    console.log(`collected ${ledger.pairs.length} codes from the sink (${received} mails received)`);
  }
  if (wants('login')) {
    console.log('measuring login');
    const reserved = ledger.pairs.splice(0, censusRequests); // for the SQL census
    rows.push(await measure('login', server.url, server.child, loginWorkload(ledger), floorRps));
    ledger.pairs.push(...reserved);
  } else if (wants('account')) {
    await runLoad(server.url, loginWorkload(ledger), { connections, durationS: 30 });
  }
  if (wants('account')) {
    console.log(`measuring account (${ledger.sessions.length} sessions)`);
    rows.push(await measure('account', server.url, server.child, accountWorkload(ledger), floorRps));
  }

  if (wants('send-ratelimited')) {
    console.log('measuring send with RATE_LIMIT=on (a second server on the same database)');
    // PGlite is one process's database: on it the first server must stop before the second opens it.
    if (dbKind === 'embedded') await server.child.stop();
    const limited = await startOtpql('otpql-ratelimited', { ...serverEnv, SMTP_URL: smtpUrl, RATE_LIMIT: 'on' }, args.profile);
    limitedPid = limited.child.pid;
    const row = await measure('send-ratelimited', limited.url, limited.child, sendWorkload(ledger), floorRps);
    row.note = row.errors.RateLimitError
      ? `RATE_LIMIT=on is in effect: ${row.errors.RateLimitError} RateLimitError answers (all requests come from one IP); answered ${Math.round((row.ok + row.errors.RateLimitError) / row.durationS)} req/s in all`
      : 'RATE_LIMIT=on had no visible effect (no RateLimitError answer)';
    rows.push(row); // stopped with the others, after its mail worker delivered what it queued
  }

  console.log('measuring floor again');
  const floorAgain = await measure('floor (end)', `http://127.0.0.1:${floorPort}/graphql`, floor, floorWorkload(ledger), null);
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

  printTable(`otpql on ${dbKind === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded)'}, ${connections} connections, ${durationS} s`, rows);
  console.log(`\nverification: ${verification.ok ? 'OK' : 'MISMATCH'}`);
  for (const line of verification.lines) console.log(`  ${line}`);

  const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${dbKind}.json`);
  writeFileSync(
    file,
    JSON.stringify({ db: dbKind, connections, durationS, warmupS, node: process.version, rows, verification, profile }, null, 2),
  );
  console.log(`\nwritten ${file}`);
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
}
