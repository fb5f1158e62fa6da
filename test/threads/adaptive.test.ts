/**
 * The adaptive default of `fromWorkerThread` (no `concurrency` given): many runs in flight on a
 * thread while its tasks are short, and a long run never holds the runs queued behind it while
 * another thread could take them — they are taken back before the thread starts them and given
 * back to the pool. Real threads; each wait is for an outcome, never a sleep, and no assertion
 * is on a time.
 */
import { describe, expect, it } from 'vitest';
import { createPool, isOk, type Pool } from '@troupe/core';
import { fromWorkerThread } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture } from './support/threads.js';

expectNoThreadLeftAfterAll();

const tasks = fixture('tasks.mjs');
type Spin = { ms: number } | { gate: Int32Array };

/** Runs every input (submitted one by one, as callers do); resolves with the outputs. */
const runAll = <I, O>(pool: Pool<I, O>, inputs: I[]): Promise<O[]> =>
  Promise.all(inputs.map((input) => pool.run(input)));

describe('the adaptive default', () => {
  it('sends many short runs to a thread at once', async () => {
    const pool = createPool({
      worker: fromWorkerThread<number, number>(tasks),
      size: 1,
      queue: { capacity: Infinity },
    }).start();
    try {
      // The first answers tell the link how short the runs are.
      const inputs = Array.from({ length: 500 }, (_, i) => i);
      expect(await runAll(pool, inputs)).toEqual(inputs);
      const burst = runAll(pool, inputs);
      expect(pool.getSnapshot().metrics.active).toBeGreaterThan(8);
      expect(await burst).toEqual(inputs);
    } finally {
      await pool.close();
    }
  });

  it('gives back the runs queued behind a long one: they run on the other thread meanwhile', async () => {
    const pool = createPool({
      worker: fromWorkerThread<Spin, string>(tasks, { export: 'spinOrGate' }),
      size: 2,
      queue: { capacity: Infinity },
    }).start();
    try {
      const short = (n: number) => Array.from({ length: n }, () => ({ ms: 0 }));
      await runAll(pool, short(400));
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const long = pool.run({ gate });
      // Spread over both threads' lanes: some wait behind the long run until given back.
      const after = await runAll(pool, short(40));
      expect(after.every((answer) => answer === 'done')).toBe(true);
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      // Opened, not timed out: it was still running when every short task had ended.
      expect(await long).toBe('opened');
      expect(pool.getSnapshot().metrics).toMatchObject({ retries: 0, crashed: 0, late: 0 });
    } finally {
      await pool.close();
    }
  });

  it('runs each task exactly once while runs are taken back and given back', async () => {
    const pool = createPool({
      worker: fromWorkerThread<{ counts: Int32Array; index: number; ms: number }, number>(tasks, {
        export: 'tally',
      }),
      size: 2,
      queue: { capacity: Infinity },
    }).start();
    try {
      for (let round = 0; round < 4; round++) {
        const n = 400;
        const counts = new Int32Array(new SharedArrayBuffer(4 * n));
        // Mostly short runs, every 25th long enough to count as a stall behind which others wait.
        const inputs = Array.from({ length: n }, (_, index) => ({
          counts,
          index,
          ms: index % 25 === 24 ? 8 : 0.02,
        }));
        const results = await pool.submitMany(inputs);
        expect(results.every(isOk)).toBe(true);
        expect([...counts].filter((count) => count !== 1)).toEqual([]);
      }
      expect(pool.getSnapshot().metrics).toMatchObject({ completed: 1_600, late: 0, retries: 0 });
    } finally {
      await pool.close();
    }
  });

  it('keeps an explicit concurrency as it is: one run at a time with 1', async () => {
    const pool = createPool({
      worker: fromWorkerThread<number, number>(tasks, { concurrency: 1 }),
      size: 1,
    }).start();
    try {
      const inputs = Array.from({ length: 200 }, (_, i) => i);
      await runAll(pool, inputs);
      const burst = runAll(pool, inputs);
      expect(pool.getSnapshot().metrics.active).toBe(1);
      expect(await burst).toEqual(inputs);
    } finally {
      await pool.close();
    }
  });
});
