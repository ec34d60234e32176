/** No slot came free in time: the work was not started. */
export class BulkheadFullError extends Error {
  constructor(name: string, waitedMs: number) {
    super(`${name}: no free slot within ${waitedMs} ms`);
    this.name = 'BulkheadFullError';
  }
}

export interface Bulkhead {
  /** Runs `work` in a free slot, waiting first in line for one at most `maxWaitMs`. */
  run<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * At most `slots` pieces of work at once; the rest wait, first come first served, and give up after
 * `maxWaitMs` with BulkheadFullError instead of queueing without end. Used to cap how many pooled
 * database connections one kind of work can hold, so it cannot starve the rest when it gets stuck.
 */
export function createBulkhead({ name, slots, maxWaitMs }: { name: string; slots: number; maxWaitMs: number }): Bulkhead {
  let busy = 0;
  const waiting: (() => void)[] = [];

  const start = <T>(work: () => Promise<T>): Promise<T> => {
    busy++;
    return (async () => work())().finally(() => {
      busy--;
      waiting.shift()?.();
    });
  };

  return {
    run(work) {
      if (busy < slots && waiting.length === 0) return start(work);
      return new Promise((resolve, reject) => {
        const take = () => {
          clearTimeout(timer);
          start(work).then(resolve, reject);
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(take), 1);
          reject(new BulkheadFullError(name, maxWaitMs));
        }, maxWaitMs);
        waiting.push(take);
      });
    },
  };
}
