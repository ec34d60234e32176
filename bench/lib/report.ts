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

const pad = (value: unknown, width: number) => String(value).padStart(width);

export function printTable(title: string, rows: ScenarioRow[]): void {
  const head = ['scenario', 'req/s', '×floor', 'p50', 'p90', 'p99', 'errors', 'cpu ms/req', '×floor cpu', 'pg ms/req', 'SQL/req', 'RTT/req', 'RSS MB'];
  const widths = [17, 8, 7, 6, 6, 6, 7, 10, 10, 9, 8, 8, 7];
  console.log(`\n${title}`);
  console.log(head.map((h, i) => (i === 0 ? h.padEnd(widths[i]!) : pad(h, widths[i]!))).join(' '));
  for (const r of rows) {
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    const cells = [
      r.scenario.padEnd(widths[0]!),
      r.rps.toFixed(0),
      r.ratioToFloor === null ? '—' : r.ratioToFloor.toFixed(2),
      r.latencyMs.p50,
      r.latencyMs.p90,
      r.latencyMs.p99,
      errors,
      r.serverCpuMsPerRequest.toFixed(2),
      r.cpuRatioToFloor === null ? '—' : r.cpuRatioToFloor.toFixed(2),
      r.postgresCpuMsPerRequest === null ? '—' : r.postgresCpuMsPerRequest.toFixed(2),
      r.sql ? r.sql.statements : '—',
      r.sql ? r.sql.roundTrips : '—',
      r.serverPeakRssMb,
    ];
    console.log(cells.map((c, i) => (i === 0 ? c : pad(c, widths[i]!))).join(' '));
  }
  for (const r of rows) {
    const details: string[] = [];
    if (Object.keys(r.errors).length) details.push(`errors ${JSON.stringify(r.errors)}`);
    if (r.exhausted) details.push(`prepared data used up after ${r.durationS} s`);
    if (r.note) details.push(r.note);
    if (r.sql) {
      details.push(`SQL census over ${r.sql.requests} sequential requests (Parse messages/req ${r.sql.parses}):`);
      for (const [text, n] of Object.entries(r.sql.byStatement)) details.push(`    ${n} × ${text}`);
    }
    if (details.length) console.log(`  ${r.scenario}: ${details.join('\n  ')}`);
  }
}
