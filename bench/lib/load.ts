import autocannon from 'autocannon';

/** One kind of request: what to send next, and how to judge the answer. */
export interface Workload<T> {
  /** The next request's payload, or null when the prepared data is used up (the run then stops). */
  next(): T | null;
  body(item: T): string;
  headers?(item: T): Record<string, string>;
  /**
   * The verdict on one answer: 'ok' only when the expected __typename (and data) is in the body;
   * otherwise the name of what came back (a typed error's __typename, 'graphql-error', 'http-500' …).
   */
  judge(item: T, status: number, body: unknown): string;
}

export interface LoadResult {
  durationS: number;
  ok: number;
  /** Every answer that was not verified, by kind (typed errors, GraphQL errors, HTTP statuses). */
  failures: Record<string, number>;
  /** Socket errors and timeouts reported by autocannon. */
  transportErrors: number;
  timeouts: number;
  exhausted: boolean;
  latency: { p50: number; p90: number; p99: number; max: number };
}

interface Slot<T> {
  item?: T;
}

/**
 * Drives `workload` with autocannon at a fixed concurrency for a fixed time (or until its data is
 * used up), parsing every response body. Bounded by `durationS` and by the workload's data.
 */
export async function runLoad<T>(
  url: string,
  workload: Workload<T>,
  options: { connections: number; durationS: number },
): Promise<LoadResult> {
  let ok = 0;
  let exhausted = false;
  const failures: Record<string, number> = {};
  let instance: autocannon.Instance | undefined;
  const filler = JSON.stringify({ query: '{ __typename }' });

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url,
        connections: options.connections,
        duration: options.durationS,
        pipelining: 1,
        timeout: 10,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request, context) => {
              const slot = context as Slot<T>;
              const item = exhausted ? null : workload.next();
              slot.item = item ?? undefined;
              if (item === null) {
                // Out of prepared data: a harmless request that is not counted, and stop the run.
                if (!exhausted) {
                  exhausted = true;
                  setImmediate(() => instance?.stop());
                }
                return { ...request, body: filler };
              }
              return {
                ...request,
                body: workload.body(item),
                headers: { ...request.headers, ...workload.headers?.(item) },
              };
            },
            onResponse: (status, body, context) => {
              const slot = context as Slot<T>;
              if (slot.item === undefined) return;
              let parsed: unknown;
              try {
                parsed = JSON.parse(body);
              } catch {
                parsed = undefined;
              }
              const verdict = workload.judge(slot.item, status, parsed);
              if (verdict === 'ok') ok++;
              else failures[verdict] = (failures[verdict] ?? 0) + 1;
              slot.item = undefined;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });

  return {
    durationS: result.duration,
    ok,
    failures,
    transportErrors: result.errors - result.timeouts, // autocannon counts a timeout as an error too
    timeouts: result.timeouts,
    exhausted,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  };
}

/** The top-level field's __typename, or why there is none. */
export function typenameOf(status: number, body: unknown, field: string): { kind: string; value?: Record<string, unknown> } {
  if (status !== 200) return { kind: `http-${status}` };
  const answer = body as { data?: Record<string, Record<string, unknown> | null>; errors?: unknown[] } | undefined;
  if (!answer) return { kind: 'unparsable' };
  if (answer.errors?.length) return { kind: 'graphql-error' };
  const value = answer.data?.[field];
  if (!value || typeof value.__typename !== 'string') return { kind: 'no-data' };
  return { kind: value.__typename, value };
}
