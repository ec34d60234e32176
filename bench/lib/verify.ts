import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { Ledger } from './workloads.js';

export interface RowCounts {
  users: number;
  tokens: number;
  sessions: number;
  outbox: number;
  outboxSent: number;
  floorHits: number;
}

const COUNTS = `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM tokens)::int AS tokens,
  (SELECT count(*) FROM sessions)::int AS sessions, (SELECT count(*) FROM outbox)::int AS outbox,
  (SELECT count(*) FROM outbox WHERE status = 'sent')::int AS "outboxSent"`;

/** Rows in otpql's tables (PostgreSQL, or the PGlite directory once its server stopped) and the floor's. */
export async function countRows(source: { url: string } | { dataDir: string }, floorUrl: string): Promise<RowCounts> {
  const pg = postgres(floorUrl, { max: 1, onnotice: () => {} });
  try {
    const [floor] = await pg<{ n: number }[]>`SELECT count(*)::int AS n FROM floor_hits`;
    let otpql: Omit<RowCounts, 'floorHits'>;
    if ('url' in source) {
      [otpql] = (await pg.unsafe(COUNTS)) as unknown as [Omit<RowCounts, 'floorHits'>];
    } else {
      const lite = new PGlite(source.dataDir);
      otpql = (await lite.query<Omit<RowCounts, 'floorHits'>>(COUNTS)).rows[0]!;
      await lite.close();
    }
    return { ...otpql, floorHits: floor!.n };
  } finally {
    await pg.end();
  }
}

/**
 * Every verified answer must have its rows, and every account its mail. A request still in flight when
 * a run stopped may have done its work unanswered, so rows may exceed the answers by at most those.
 */
export function verify(ledger: Ledger, rows: RowCounts, mails: number) {
  const issued = ledger.tokens.size;
  const within = (actual: number, low: number, high: number) => actual >= low && actual <= high;
  const checks: Array<[string, boolean, string]> = [
    [`users ${rows.users}: ≥ Token answers ${issued}, ≤ requests ${ledger.requested.send}`, within(rows.users, issued, ledger.requested.send), ''],
    [`outbox rows ${rows.outbox} = users ${rows.users} (one code and one mail per new email)`, rows.outbox === rows.users, ''],
    [`outbox rows sent ${rows.outboxSent} = outbox rows ${rows.outbox}`, rows.outboxSent === rows.outbox, ''],
    [`mails in the sink ${mails} = outbox rows ${rows.outbox}`, mails === rows.outbox, ''],
    [
      `sessions ${rows.sessions}: ≥ Session answers ${ledger.sessionsCreated}, ≤ requests ${ledger.requested.login}`,
      within(rows.sessions, ledger.sessionsCreated, ledger.requested.login),
      '',
    ],
    [`tokens left ${rows.tokens} = users − sessions ${rows.users - rows.sessions}`, rows.tokens === rows.users - rows.sessions, ''],
    [
      `floor rows ${rows.floorHits}: ≥ Hit answers ${ledger.floorHits}, ≤ requests ${ledger.requested.floor}`,
      within(rows.floorHits, ledger.floorHits, ledger.requested.floor),
      '',
    ],
  ];
  return {
    ok: checks.every(([, good]) => good),
    counts: rows,
    mails,
    lines: checks.map(([text, good]) => `${good ? 'ok ' : 'BAD'} ${text}`),
  };
}
