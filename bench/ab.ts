/**
 * `npm run bench:ab -- --a DIR --b DIR`: two builds of the server, side by side, compared by what
 * they cost: the server's CPU time per verified request (/proc/<pid>/stat), measured in windows that
 * alternate between A and B (A B, B A, A B …) so that load from elsewhere on the machine falls on
 * both alike. For hot-path changes on a shared machine, where req/s moves with the neighbours.
 *
 *   --a DIR --b DIR        checkouts with a built dist/ (e.g. `git worktree add /tmp/a HEAD~1 &&
 *                          ln -s $PWD/node_modules /tmp/a/ && (cd /tmp/a && npx tsc -p tsconfig.build.json)`);
 *                          default for --b: this checkout
 *   --scenario send        send | login | account
 *   --rounds 4 --duration 3 --connections 64
 *
 * Each server has its own database (and mail worker), both mail to the same sink; RATE_LIMIT=off,
 * the flags of `npm run start:prod`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { type Child, cpuMs, freePort, readyLine, startNode, startProdFlags, waitForGraphql, waitForMail } from './lib/processes.js';
import { type WrkScenario, checkWrk, runWrk } from './lib/wrk.js';

const { values: args } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: '.' },
    scenario: { type: 'string', default: 'send' },
    rounds: { type: 'string', default: '4' },
    duration: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
  },
});
const wrk = checkWrk();
if (!wrk.ok || !args.a) {
  console.error(wrk.ok ? 'usage: npm run bench:ab -- --a DIR [--b DIR] [--scenario send|login|account]' : wrk.message);
  process.exit(2);
}
const scenario = args.scenario as WrkScenario;
const rounds = Number(args.rounds);
const durationS = Number(args.duration);
const connections = Number(args.connections);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
const workDir = mkdtempSync(join(tmpdir(), 'otpql-ab-'));
const children: Child[] = [];
const databases: string[] = [];
let runs = 0;
const run = randomBytes(3).toString('hex');

interface Side {
  name: string;
  child: Child;
  url: string;
  pairs: string[];
  sessions: string[];
  /** login: pairs per measured window (each pair is used once). */
  perRound: number;
  samples: number[];
}

async function startSide(name: string, dir: string, smtpUrl: string): Promise<Side> {
  const db = `otpql_bench_ab_${run}_${name.toLowerCase()}`;
  await admin.unsafe(`CREATE DATABASE ${db}`);
  databases.push(db);
  const url = new URL(adminUrl);
  url.pathname = `/${db}`;
  const port = await freePort();
  const child = startNode(
    name,
    'dist/main.js',
    { PORT: String(port), HOST: '127.0.0.1', AUTH_SECRET: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn', RATE_LIMIT: 'off', DATABASE_URL: url.toString(), SMTP_URL: smtpUrl },
    startProdFlags(dir),
    dir,
  );
  children.push(child);
  const endpoint = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphql(child, endpoint);
  return { name, child, url: endpoint, pairs: [], sessions: [], perRound: 0, samples: [] };
}

const load = (side: Side, kind: WrkScenario, seconds: number, window?: Parameters<typeof runWrk>[0]['window']) =>
  runWrk({
    url: side.url,
    scenario: kind,
    prefix: `ab${run}r${++runs}`,
    connections,
    threads: 1,
    durationS: seconds,
    count: 8000 * seconds,
    data: kind === 'login' ? side.pairs.splice(0, side.perRound || side.pairs.length) : kind === 'account' ? side.sessions : undefined,
    window,
    workDir,
  });

async function main() {
  const sink = startNode('smtp-sink', 'bench/smtp-sink.ts', {});
  children.push(sink);
  const { smtpPort, httpPort } = await readyLine<{ smtpPort: number; httpPort: number }>(sink);
  const sides = [await startSide('A', resolve(args.a!), `smtp://127.0.0.1:${smtpPort}`), await startSide('B', resolve(args.b!), `smtp://127.0.0.1:${smtpPort}`)];

  if (scenario !== 'send') {
    // Codes: a send run per side, the mails read back from the sink (as npm run bench does).
    const emailToUser = new Map<string, string>();
    for (const side of sides) {
      const result = await load(side, 'send', scenario === 'account' ? 3 : Math.min(30, 2 * rounds * durationS));
      for (const line of result.records) {
        const [requestId, userId] = line.split(' ');
        emailToUser.set(`${requestId}@example.com`, `${side.name} ${userId}`);
      }
    }
    await waitForMail(`http://127.0.0.1:${httpPort}`, 0, 2000, 600_000); // the mail workers' backlog would cost CPU in the windows
    const { codes } = (await (await fetch(`http://127.0.0.1:${httpPort}/codes?from=0`)).json()) as { codes: Array<[string, string | null]> };
    for (const [email, code] of codes) {
      const owner = emailToUser.get(email);
      if (!owner || !code) continue;
      const [name, userId] = owner.split(' ');
      sides.find((s) => s.name === name)!.pairs.push(`${userId} ${code}`);
    }
    if (scenario === 'account') {
      for (const side of sides) {
        const result = await load(side, 'login', 3);
        side.sessions = result.records;
      }
    }
    for (const side of sides) side.perRound = Math.floor(side.pairs.length / rounds);
    console.log(`prepared: ${sides.map((s) => `${s.name} ${s.pairs.length} codes, ${s.sessions.length} sessions`).join('; ')}`);
  }

  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      // send: the previous window's mail is delivered before the next window starts.
      if (scenario === 'send') await waitForMail(`http://127.0.0.1:${httpPort}`, 0, 2000, 600_000); // the mail workers' backlog would cost CPU in the windows
      let before = 0;
      let after = 0;
      let t0 = 0;
      let t1 = 0;
      const result = await load(side, scenario, durationS, {
        start: () => ((before = cpuMs(side.child.pid)), (t0 = performance.now())),
        end: () => ((after = cpuMs(side.child.pid)), (t1 = performance.now())),
      });
      const answered = (result.ok + Object.values(result.failures).reduce((a, b) => a + b, 0)) * ((t1 - t0) / 1000 / result.durationS);
      const perRequest = (after - before) / answered;
      side.samples.push(perRequest);
      console.log(
        `round ${round + 1} ${side.name}: ${Math.round(result.ok / result.durationS)} req/s, server ${perRequest.toFixed(3)} ms CPU/request, p99 ${result.latency.p99} ms${Object.keys(result.failures).length ? `, failures ${JSON.stringify(result.failures)}` : ''}${result.exhausted ? ' (data used up: filler counted in CPU)' : ''}`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;
  const [a, b] = sides.map((s) => median(s.samples)) as [number, number];
  console.log(`\n${scenario}: server CPU ms/request, median of ${rounds}: A ${a.toFixed(3)}, B ${b.toFixed(3)}, B/A ${(b / a).toFixed(3)}`);
}

try {
  await main();
} finally {
  for (const child of children.reverse()) await child.stop();
  for (const db of databases) await admin.unsafe(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch((e) => console.error(`could not drop ${db}: ${e}`));
  await admin.end();
  rmSync(workDir, { recursive: true, force: true });
}
