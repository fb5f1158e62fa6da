/**
 * `pool.submitMany(inputs, options?)`: one call, many tasks, results in input order. Each item
 * is admitted as `submit` would admit it; every timed case runs on the virtual clock. Options,
 * cancellation and the property test have their own files.
 */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isErr, TaskFailed, type TaskResult } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { reasonOf, valueOf } from './support/results.js';
import { slowDoubler } from './support/slow-doubler.js';
import { after, settleWith } from './support/virtual-time.js';

describe('submitMany: results in input order', () => {
  it('takes an array, a generator and a Set; results keep input order though later ones finish first', async () => {
    const clock = createVirtualClock();
    const pool = slowDoubler(clock, (n) => 100 - n * 10, { size: 3 }).start();
    await clock.flush();
    function* gen(): Generator<number> {
      yield 4;
      yield 5;
      yield 6;
    }
    const fromArray = pool.submitMany([1, 2, 3]);
    const fromGenerator = pool.submitMany(gen());
    const fromSet = pool.submitMany(new Set([7, 8, 9]));
    const all = await settleWith(clock, Promise.all([fromArray, fromGenerator, fromSet]));
    expect(all.map((rs) => rs.map(valueOf))).toEqual([
      [2, 4, 6],
      [8, 10, 12],
      [14, 16, 18],
    ]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 9, completed: 9, rejected: 0 });
    expectConserved(m);
    await pool.close();
  });

  it('resolves only once every item has settled', async () => {
    const clock = createVirtualClock();
    const pool = slowDoubler(clock, (n) => n, { size: 2 }).start();
    await clock.flush();
    let results: TaskResult<number>[] | undefined;
    void pool.submitMany([10, 50, 20]).then((rs) => (results = rs));
    await clock.advance(49);
    expect(results).toBeUndefined();
    expect(pool.getSnapshot().metrics.completed).toBe(2);
    await clock.advance(1);
    expect(results?.map(valueOf)).toEqual([20, 100, 40]);
    await pool.close();
  });

  it('empty input resolves [] at once and submits nothing', async () => {
    const clock = createVirtualClock();
    const pool = slowDoubler(clock, () => 10).start();
    expect(await pool.submitMany([])).toEqual([]);
    expect(await pool.submitMany(new Set<number>())).toEqual([]);
    expect(await pool.submitMany((function* (): Generator<number> {})())).toEqual([]);
    expect(clock.now()).toBe(0);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 0, rejected: 0 });
    await pool.close();
  });

  it('a failing item lands at its own index as TaskFailed; the others are Right', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: async (n: number) => {
        await after(clock, 5, undefined);
        if (n % 3 === 0) throw new Error(`bad ${n}`);
        return n * 2;
      },
      size: 2,
      clock,
    }).start();
    const results = await settleWith(clock, pool.submitMany([1, 3, 4, 6, 7]));
    expect(results.map(valueOf)).toEqual([2, 'TaskFailed', 8, 'TaskFailed', 14]);
    const failed = results[1]!;
    expect(isErr(failed) && failed.left).toBeInstanceOf(TaskFailed);
    expect(isErr(failed) && (failed.left.cause as Error).message).toBe('bad 3');
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 3, failed: 2 });
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('synchronous workers that complete inline', async () => {
    const pool = createPool({
      worker: (n: number) => {
        if (n < 0) throw new Error('negative');
        return n * 2;
      },
      size: 2,
    }).start();
    await new Promise((resolve) => setImmediate(resolve));
    const results = await pool.submitMany([1, -2, 3, 4, -5, 6]);
    expect(results.map(valueOf)).toEqual([2, 'TaskFailed', 6, 8, 'TaskFailed', 12]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 6, completed: 4, failed: 2, active: 0, queued: 0 });
    expectConserved(m);
    await pool.close();
  });
});

describe('submitMany: synchronous workers run the call inline', () => {
  it('a task the worker submits meanwhile runs before the rest of the call', async () => {
    const order: (number | string)[] = [];
    let extra: Promise<TaskResult<string>> | undefined;
    const pool = createPool<number | string, number | string>({
      worker: (x) => {
        order.push(x);
        if (x === 2) extra = pool.submit('x') as Promise<TaskResult<string>>;
        return x;
      },
      size: 1,
    }).start();
    await new Promise((resolve) => setImmediate(resolve));
    const results = await pool.submitMany([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 'x', 3, 4]);
    expect(results.map(valueOf)).toEqual([0, 1, 2, 3, 4]);
    expect(valueOf(await extra!)).toBe('x');
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('each input is timed from when it starts: it waited for the ones before it, it ran for its own time', async () => {
    // Each run takes 1 ms of the pool's clock (the worker moves it on, synchronously).
    const virtual = createVirtualClock();
    let skew = 0;
    const clock = { ...virtual, now: () => virtual.now() + skew };
    const pool = createPool({
      worker: (n: number) => {
        skew += 1;
        return n;
      },
      size: 1,
      clock,
    }).start();
    await clock.flush();
    await pool.submitMany([0, 1, 2, 3, 4]);
    const { latency, queueWait, utilisation } = pool.getSnapshot().metrics;
    expect(latency.max).toBeCloseTo(1, 1);
    expect(latency.p50).toBeCloseTo(1, 1);
    expect(queueWait.max).toBeCloseTo(4, 1);
    expect(utilisation).toBeCloseTo(1, 2); // busy the whole time, not idle between inputs
    await pool.close();
  });

  it('stops where the rate limit holds and queues the rest, which then starts on its clock', async () => {
    const virtual = createVirtualClock();
    const started: number[] = [];
    const pool = createPool({
      worker: (n: number) => {
        started.push(n);
        return n;
      },
      size: 1,
      rate: { limit: 2, intervalMs: 100 },
      clock: virtual,
    }).start();
    await virtual.flush();
    const results = pool.submitMany([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1]);
    expect(pool.getSnapshot().metrics.queued).toBe(3);
    await virtual.advance(100);
    expect(started).toEqual([0, 1, 2, 3]);
    await virtual.advance(100);
    expect((await results).map(valueOf)).toEqual([0, 1, 2, 3, 4]);
    await pool.close();
  });

  it('a worker that closes the pool mid-call: the inputs after it are refused pool-closed', async () => {
    let closing: Promise<void> | undefined;
    const pool = createPool({
      worker: (n: number) => {
        if (n === 1) closing = pool.close();
        return n;
      },
      size: 1,
    }).start();
    await new Promise((resolve) => setImmediate(resolve));
    const results = await pool.submitMany([0, 1, 2, 3]);
    expect(results.map(valueOf)).toEqual([0, 1, 'TaskRejected', 'TaskRejected']);
    expect(results.slice(2).map(reasonOf)).toEqual(['pool-closed', 'pool-closed']);
    await closing;
    expectConserved(pool.getSnapshot().metrics);
  });
});

describe('submitMany: admission per item', () => {
  it("overflow 'reject': the excess items are refused queue-full, each counted in rejected", async () => {
    const clock = createVirtualClock();
    const pool = slowDoubler(clock, () => 10, { size: 1, capacity: 2 }).start();
    await clock.flush();
    const many = pool.submitMany([1, 2, 3, 4, 5]);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 3, rejected: 2, queued: 2 });
    const results = await settleWith(clock, many);
    expect(results.map(valueOf)).toEqual([2, 4, 6, 'TaskRejected', 'TaskRejected']);
    expect(results.map(reasonOf)).toEqual([
      undefined,
      undefined,
      undefined,
      'queue-full',
      'queue-full',
    ]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 3, completed: 3, rejected: 2 });
    expectConserved(m);
    await pool.close();
  });

  it("overflow 'wait': the excess items wait for room and all run, in order", async () => {
    const clock = createVirtualClock();
    const order: number[] = [];
    const pool = createPool({
      worker: (n: number) => {
        order.push(n);
        return after(clock, 10, n * 2);
      },
      size: 1,
      queue: { capacity: 1, overflow: 'wait' },
      clock,
    }).start();
    await clock.flush();
    const many = pool.submitMany([1, 2, 3, 4]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 4, active: 1, queued: 1, waiting: 2, rejected: 0 });
    expectConserved(m);
    const results = await settleWith(clock, many);
    expect(results.map(valueOf)).toEqual([2, 4, 6, 8]);
    expect(order).toEqual([1, 2, 3, 4]);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it("overflow 'drop-oldest': older items of the same call are evicted, at their own index", async () => {
    const clock = createVirtualClock();
    const pool = slowDoubler(clock, () => 10, {
      size: 1,
      capacity: 2,
      overflow: 'drop-oldest',
    }).start();
    await clock.flush();
    const results = await settleWith(clock, pool.submitMany([1, 2, 3, 4, 5]));
    expect(results.map(valueOf)).toEqual([2, 'TaskRejected', 'TaskRejected', 8, 10]);
    expect(results.map(reasonOf)).toEqual([
      undefined,
      'queue-full',
      'queue-full',
      undefined,
      undefined,
    ]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 5, completed: 3, dropped: 2, rejected: 0 });
    expectConserved(m);
    await pool.close();
  });

  it('before start() and after close() every item is refused pool-closed', async () => {
    const clock = createVirtualClock();
    const pool = slowDoubler(clock, () => 10);
    const before = await pool.submitMany([1, 2, 3]);
    expect(before.map(reasonOf)).toEqual(['pool-closed', 'pool-closed', 'pool-closed']);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 0, rejected: 3 });
    pool.start();
    expect((await settleWith(clock, pool.submitMany([1]))).map(valueOf)).toEqual([2]);
    await settleWith(clock, pool.close());
    const afterClose = await pool.submitMany(new Set([4, 5]));
    expect(afterClose.map(reasonOf)).toEqual(['pool-closed', 'pool-closed']);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 1, rejected: 5 });
  });

  it('items submitted while the pool is closing are refused pool-closed; queued ones drain', async () => {
    const clock = createVirtualClock();
    const pool = slowDoubler(clock, () => 10).start();
    const queued = pool.submitMany([1, 2]);
    const closed = pool.close();
    const refused = await pool.submitMany([3, 4]);
    expect(refused.map(reasonOf)).toEqual(['pool-closed', 'pool-closed']);
    expect((await settleWith(clock, queued)).map(valueOf)).toEqual([2, 4]);
    await settleWith(clock, closed);
  });
});

describe('submitMany: re-entrancy', () => {
  it('a results$ subscriber that submits on the first result does not disturb the order (inline workers)', async () => {
    const pool = createPool({ worker: (n: number) => n * 2, size: 2 }).start();
    await new Promise((resolve) => setImmediate(resolve));
    let extra: Promise<TaskResult<number>> | undefined;
    let extraMany: Promise<TaskResult<number>[]> | undefined;
    let fired = false;
    const sub = pool.results$.subscribe(() => {
      if (fired) return;
      fired = true; // before submitting: the extra tasks settle inline and emit here again
      extra = pool.submit(1000);
      extraMany = pool.submitMany([2000, 3000]);
    });
    const results = await pool.submitMany([1, 2, 3, 4, 5, 6]);
    sub.unsubscribe();
    expect(results.map(valueOf)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(valueOf(await extra!)).toBe(2000);
    expect((await extraMany!).map(valueOf)).toEqual([4000, 6000]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 9, completed: 9 });
    expectConserved(m);
    await pool.close();
  });

  it('a results$ subscriber that submits on the first result does not disturb the order (async workers)', async () => {
    const clock = createVirtualClock();
    const pool = slowDoubler(clock, (n) => (n >= 1000 ? 1 : 10 - n), {
      size: 2,
      capacity: 4,
    }).start();
    await clock.flush();
    let extra: Promise<TaskResult<number>> | undefined;
    const sub = pool.results$.subscribe(() => {
      extra ??= pool.submit(1000); // room left in the queue: 2 run, 3 of 4 queued
    });
    const results = await settleWith(clock, pool.submitMany([1, 2, 3, 4, 5]));
    sub.unsubscribe();
    expect(results.map(valueOf)).toEqual([2, 4, 6, 8, 10]);
    expect(valueOf(await settleWith(clock, extra!))).toBe(2000);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});
