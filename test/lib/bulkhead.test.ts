import { describe, expect, it } from 'vitest';
import { BulkheadFullError, createBulkhead } from '../../src/lib/bulkhead.js';

/** Work that ends when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, work: () => opened };
}

describe('bulkhead', () => {
  it('runs at most `slots` at once, the rest in arrival order', async () => {
    const bulkhead = createBulkhead({ name: 'test', slots: 2, maxWaitMs: 5000 });
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) => bulkhead.run(async () => (started.push(i), await g.work(), i)));
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1]);
    gates[1]!.open();
    await runs[1];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('gives up on a waiter after maxWaitMs without ever starting its work', async () => {
    const bulkhead = createBulkhead({ name: 'store', slots: 1, maxWaitMs: 50 });
    const stuck = gate();
    const holding = bulkhead.run(stuck.work);
    let ran = false;
    const started = Date.now();
    await expect(bulkhead.run(async () => (ran = true))).rejects.toThrow(BulkheadFullError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    stuck.open();
    await holding;
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toBe(false);
    // The slot is free again, and a timed-out waiter left no hole in the line.
    expect(await bulkhead.run(async () => 'next')).toBe('next');
  });

  it('frees the slot when the work fails, synchronously or not', async () => {
    const bulkhead = createBulkhead({ name: 'test', slots: 1, maxWaitMs: 50 });
    await expect(bulkhead.run(async () => Promise.reject(new Error('async')))).rejects.toThrow('async');
    await expect(
      bulkhead.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await bulkhead.run(async () => 1)).toBe(1);
  });
});
