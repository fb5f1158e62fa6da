/** Cancelling a `submitMany` call through its signal: at the door, later, and while it admits. */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isErr, TaskCancelled } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { tagOf, valueOf } from './support/results.js';
import { slowDoubler } from './support/slow-doubler.js';
import { after, settleWith } from './support/virtual-time.js';

describe('submitMany: cancellation', () => {
  it('an already-aborted signal cancels every item at the door; rejected grows by n', async () => {
    let runs = 0;
    const pool = createPool({ worker: (n: number) => (runs++, n) }).start();
    const reason = new Error('never mind');
    const results = await pool.submitMany([1, 2, 3], { signal: AbortSignal.abort(reason) });
    expect(results.map(tagOf)).toEqual(['TaskCancelled', 'TaskCancelled', 'TaskCancelled']);
    for (const r of results) {
      expect(isErr(r) && r.left).toBeInstanceOf(TaskCancelled);
      expect(isErr(r) && r.left.cause).toBe(reason);
    }
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 0, rejected: 3, cancelled: 0 });
    expect(runs).toBe(0);
    await pool.close();
  });

  it('aborting later cancels the queued and running items; finished ones stay Right', async () => {
    const clock = createVirtualClock();
    const seenAbort: number[] = [];
    const pool = createPool({
      worker: (n: number, ctx) => {
        ctx.signal.addEventListener('abort', () => seenAbort.push(n));
        return after(clock, n, n * 2);
      },
      size: 2,
      clock,
    }).start();
    await clock.flush();
    const controller = new AbortController();
    const many = pool.submitMany([10, 100, 100, 100, 100], { signal: controller.signal });
    await clock.advance(15); // 10 done; two 100s running, two queued
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 1, active: 2, queued: 2 });
    const reason = new Error('stop');
    controller.abort(reason);
    const results = await many;
    expect(results.map(valueOf)).toEqual([
      20,
      'TaskCancelled',
      'TaskCancelled',
      'TaskCancelled',
      'TaskCancelled',
    ]);
    for (const r of results.slice(1)) expect(isErr(r) && r.left.cause).toBe(reason);
    expect(seenAbort.sort()).toEqual([100, 100]); // the running ones were told to stop
    expect(pool.getSnapshot().metrics).toMatchObject({ cancelled: 4, completed: 1 });
    await settleWith(clock, pool.onIdle());
    expectConserved(pool.getSnapshot().metrics);
    await settleWith(clock, pool.close());
  });

  it('aborting later also cancels items waiting for room', async () => {
    const clock = createVirtualClock();
    const pool = slowDoubler(clock, () => 10, { capacity: 1, overflow: 'wait' }).start();
    await clock.flush();
    const controller = new AbortController();
    const many = pool.submitMany([1, 2, 3, 4], { signal: controller.signal });
    expect(pool.getSnapshot().metrics).toMatchObject({ active: 1, queued: 1, waiting: 2 });
    controller.abort();
    const results = await many;
    expect(results.map(tagOf)).toEqual(Array(4).fill('TaskCancelled'));
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ cancelled: 4, waiting: 0, queued: 0, active: 0 });
    expectConserved(m);
    await settleWith(clock, pool.close());
  });
});

describe('submitMany: a signal aborted while the call admits its items', () => {
  it('cancels the items not yet admitted, as separate submits would', async () => {
    const controller = new AbortController();
    const pool = createPool({
      worker: async (n: number) => {
        if (n === 1) controller.abort(new Error('stop'));
        return Promise.resolve(n * 2);
      },
      size: 3,
    }).start();
    await pool.onIdle();
    const results = await pool.submitMany([1, 2, 3], { signal: controller.signal });
    expect(results.map(tagOf)).toEqual(['TaskCancelled', 'TaskCancelled', 'TaskCancelled']);
    await pool.close();
  });

  it('a results$ subscriber that aborts on the first result stops the rest (synchronous worker)', async () => {
    const controller = new AbortController();
    const pool = createPool({ worker: (n: number) => n * 2, size: 1 }).start();
    await pool.onIdle();
    const sub = pool.results$.subscribe(() => controller.abort(new Error('enough')));
    const results = await pool.submitMany([1, 2, 3], { signal: controller.signal });
    sub.unsubscribe();
    expect(results.map(valueOf)).toEqual([2, 'TaskCancelled', 'TaskCancelled']);
    const m = pool.getSnapshot().metrics;
    expect(m.rejected).toBe(2);
    expectConserved(m);
    await pool.close();
  });

  it('throws InvalidOptionError for inputs that are not iterable', () => {
    const pool = createPool({ worker: (n: number) => n });
    expect(() => pool.submitMany(42 as unknown as number[])).toThrow(/inputs/);
  });
});
