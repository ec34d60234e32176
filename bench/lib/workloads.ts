import { randomBytes } from 'node:crypto';

/**
 * One kind of request, sent from Node with fetch: for preparing data (accounts with codes) and for
 * the sequential SQL census, never for a measured window (wrk does those, bench/wrk.lua).
 */
export interface Workload<T> {
  /** The next request's payload, or null when the prepared data is used up. */
  next(): T | null;
  body(item: T): string;
  headers?(item: T): Record<string, string>;
  /**
   * The verdict on one answer: 'ok' only when the expected __typename (and data) is in the body;
   * otherwise the name of what came back (a typed error's __typename, 'graphql-error', 'http-500' …).
   */
  judge(item: T, status: number, body: unknown): string;
}

/** The top-level field's __typename, or why there is none. */
function typenameOf(status: number, body: unknown, field: string): { kind: string; value?: Record<string, unknown> } {
  if (status !== 200) return { kind: `http-${status}` };
  const answer = body as { data?: Record<string, Record<string, unknown> | null>; errors?: unknown[] } | undefined;
  if (!answer) return { kind: 'unparsable' };
  if (answer.errors?.length) return { kind: 'graphql-error' };
  const value = answer.data?.[field];
  if (!value || typeof value.__typename !== 'string') return { kind: 'no-data' };
  return { kind: value.__typename, value };
}

/** What the runs produce and later runs consume: accounts with their codes, sessions. */
export interface Ledger {
  /** Email → userId of every verified `Token` answer. */
  tokens: Map<string, string>;
  /** Codes collected from the sink and not yet used. */
  pairs: Array<{ userId: string; code: string }>;
  sessions: Array<{ userId: string; secret: string }>;
  sessionsCreated: number;
  floorHits: number;
  /** Requests sent, answered or not: a request in flight when a run stops may still have done its work. */
  requested: { send: number; login: number; floor: number };
}

export const newLedger = (): Ledger => ({ tokens: new Map(), pairs: [], sessions: [], sessionsCreated: 0, floorHits: 0,
  requested: { send: 0, login: 0, floor: 0 } });

export const runId = randomBytes(3).toString('hex');
let emailSeq = 0;
const nextEmail = () => `bench-${runId}-${++emailSeq}@example.com`;

/** The operations of the scenarios: the census sends these, and bench/wrk.lua gets them through BENCH_QUERY. */
export const QUERIES = {
  send: 'mutation Send($email: String!) { createEmailToken(userId: "unique()", email: $email) { __typename ... on Token { userId } } }',
  login:
    'mutation LogIn($userId: String!, $secret: String!) { createSession(userId: $userId, secret: $secret) { __typename ... on Session { userId secret } } }',
  account: 'query Account { account { __typename ... on Account { id } } }',
};

/** createEmailToken for a new email each request. */
export function sendWorkload(ledger: Ledger): Workload<string> {
  return {
    next() {
      ledger.requested.send++;
      return nextEmail();
    },
    body: (email) => JSON.stringify({ query: QUERIES.send, variables: { email } }),
    judge(email, status, body) {
      const { kind, value } = typenameOf(status, body, 'createEmailToken');
      if (kind !== 'Token' || typeof value?.userId !== 'string') return kind;
      ledger.tokens.set(email, value.userId);
      return 'ok';
    },
  };
}

/** createSession with an unused (userId, code) pair each request; stops when the pairs run out. */
export function loginWorkload(ledger: Ledger): Workload<{ userId: string; code: string }> {
  return {
    next() {
      const pair = ledger.pairs.pop() ?? null;
      if (pair) ledger.requested.login++;
      return pair;
    },
    body: (pair) => JSON.stringify({ query: QUERIES.login, variables: { userId: pair.userId, secret: pair.code } }),
    judge(pair, status, body) {
      const { kind, value } = typenameOf(status, body, 'createSession');
      if (kind !== 'Session' || value?.userId !== pair.userId || typeof value.secret !== 'string') return kind;
      ledger.sessions.push({ userId: pair.userId, secret: value.secret });
      ledger.sessionsCreated++;
      return 'ok';
    },
  };
}

/** The account query with the bearer credential of sessions created before, round robin. */
export function accountWorkload(ledger: Ledger): Workload<{ userId: string; secret: string }> {
  let i = 0;
  const body = JSON.stringify({ query: QUERIES.account });
  return {
    next: () => ledger.sessions[i++ % ledger.sessions.length] ?? null,
    body: () => body,
    headers: (session) => ({ authorization: `Bearer ${session.secret}` }),
    judge(session, status, answer) {
      const { kind, value } = typenameOf(status, answer, 'account');
      if (kind !== 'Account') return kind;
      return value?.id === session.userId ? 'ok' : 'wrong-account';
    },
  };
}

/** Sends one workload item with fetch, for the sequential SQL census. */
export async function sendOne<T>(url: string, workload: Workload<T>): Promise<string> {
  const item = workload.next();
  if (item === null) return 'exhausted';
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...workload.headers?.(item) },
    body: workload.body(item),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return workload.judge(item, response.status, parsed);
}

