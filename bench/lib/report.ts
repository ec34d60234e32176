import type { CensusCounts } from './pg-census.js';

export interface ScenarioRow {
  scenario: string;
  /** Verified successes per second (a Token / Session / Account / Hit with the expected data). */
  rps: number;
  ratioToFloor: number | null;
  /** The floor's server CPU per request ÷ this scenario's: steadier than req/s on a shared machine. */
  cpuRatioToFloor: number | null;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  ok: number;
  /** Answers that were not verified successes, by kind (typed errors included), and transport errors. */
  errors: Record<string, number>;
  durationS: number;
  exhausted: boolean;
  serverCpuMsPerRequest: number;
  /** CPU of the PostgreSQL backends serving the server (PostgreSQL only). */
  postgresCpuMsPerRequest: number | null;
  /**
   * CPU time over the window ÷ (wall time × cores), from /proc/<pid>/stat: the load generator (wrk),
   * the server, the PostgreSQL backends of the bench database, the SMTP sink, this process.
   */
  cpuShare: { generator: number; server: number; postgres: number | null; sink: number; bench: number; mailWorker?: number };
  serverPeakRssMb: number;
  /** From the wire-protocol census: statements executed / round trips / Parse messages per request. */
  sql: { statements: number; roundTrips: number; parses: number; requests: number; byStatement: Record<string, number> } | null;
  note?: string;
}

export function sqlPerRequest(counts: CensusCounts, requests: number): ScenarioRow['sql'] {
  const per = (n: number) => Math.round((100 * n) / requests) / 100;
  return {
    statements: per(counts.executions),
    roundTrips: per(counts.roundTrips),
    parses: per(counts.parses),
    requests,
    byStatement: Object.fromEntries(Object.entries(counts.byStatement).map(([k, v]) => [k, per(v)])),
  };
}

export const pct = (share: number | null) => (share === null ? '—' : `${(100 * share).toFixed(1)} %`);

const HEAD = ['scenario', 'req/s', '×floor', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'server CPU', 'wrk CPU', 'pg CPU', 'cpu ms/req', '×floor cpu', 'pg ms/req', 'SQL/req', 'RTT/req', 'RSS MB'];

function cells(r: ScenarioRow): string[] {
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  return [
    r.scenario,
    r.rps.toFixed(0),
    r.ratioToFloor === null ? '—' : r.ratioToFloor.toFixed(2),
    String(r.latencyMs.p50),
    String(r.latencyMs.p90),
    String(r.latencyMs.p99),
    String(errors),
    pct(r.cpuShare.server),
    pct(r.cpuShare.generator),
    pct(r.cpuShare.postgres),
    r.serverCpuMsPerRequest.toFixed(2),
    r.cpuRatioToFloor === null ? '—' : r.cpuRatioToFloor.toFixed(2),
    r.postgresCpuMsPerRequest === null ? '—' : r.postgresCpuMsPerRequest.toFixed(2),
    r.sql ? String(r.sql.statements) : '—',
    r.sql ? String(r.sql.roundTrips) : '—',
    String(r.serverPeakRssMb),
  ];
}

/**
 * The results as a markdown table (the format of docs/performance.md). CPU columns are shares of the
 * whole machine (all cores) over the measured window: `wrk CPU` is the load generator's own.
 */
export function tableMarkdown(title: string, rows: ScenarioRow[]): string {
  const lines = [`**${title}**`, '', `| ${HEAD.join(' | ')} |`, `| ${HEAD.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const r of rows) lines.push(`| ${cells(r).join(' | ')} |`);
  const details: string[] = [];
  for (const r of rows) {
    const notes: string[] = [];
    if (Object.keys(r.errors).length) notes.push(`errors ${JSON.stringify(r.errors)}`);
    if (r.exhausted) notes.push(`prepared data used up before the end of the ${r.durationS.toFixed(1)} s window (req/s understated)`);
    if (r.note) notes.push(r.note);
    if (r.cpuShare.mailWorker !== undefined) notes.push(`mail worker process CPU ${pct(r.cpuShare.mailWorker)}`);
    notes.push(`SMTP sink CPU ${pct(r.cpuShare.sink)}, bench process ${pct(r.cpuShare.bench)}`);
    details.push(`- ${r.scenario}: ${notes.join('; ')}`);
  }
  return `${lines.join('\n')}\n\n${details.join('\n')}\n`;
}

export function printTable(title: string, rows: ScenarioRow[]): void {
  console.log(`\n${tableMarkdown(title, rows)}`);
  for (const r of rows) {
    if (!r.sql) continue;
    console.log(`${r.scenario}: SQL census over ${r.sql.requests} sequential requests (Parse messages/req ${r.sql.parses}):`);
    for (const [text, n] of Object.entries(r.sql.byStatement)) console.log(`    ${n} × ${text}`);
  }
}
