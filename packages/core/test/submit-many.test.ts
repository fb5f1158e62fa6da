/**
 * `pool.submitMany(inputs, options?)`: one call, many tasks, results in input order. Each item
 * is admitted as `submit` would admit it; every timed case runs on the virtual clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  isErr,
  isOk,
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  type OverflowPolicy,
  type PoolMetrics,
  type TaskResult,
  type VirtualClock,
} from '@troupe/core';

const tagOf = (r: TaskResult<unknown>): string => (isErr(r) ? r.left._tag : 'ok');
const valueOf = (r: TaskResult<unknown>): unknown => (isOk(r) ? r.right : r.left._tag);
const reasonOf = (r: TaskResult<unknown>): string | undefined =>
  isErr(r) && r.left instanceof TaskRejected ? r.left.reason : undefined;

/** Resolves with `value` after `ms` of virtual time. */
const after = <T>(clock: VirtualClock, ms: number, value: T): Promise<T> =>
  new Promise<T>((resolve) => clock.setTimeout(() => resolve(value), ms));

/** Advances the virtual clock step by step until `promise` settles (bounded). */
async function settleWith<T>(
  clock: VirtualClock,
  promise: Promise<T>,
  stepMs = 10,
  maxSteps = 1_000,
): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  for (let i = 0; i < maxSteps && !done; i++) await clock.advance(stepMs);
  if (!done) throw new Error('promise did not settle in virtual time');
  return promise;
}

/** `submitted = completed + failed + crashed + timedOut + cancelled + dropped + waiting + queued + retrying + active`. */
function expectConserved(m: PoolMetrics): void {
  const parts = [
    m.completed,
    m.failed,
    m.crashed,
    m.timedOut,
    m.cancelled,
    m.dropped,
    m.waiting,
    m.queued,
    m.retrying,
    m.active,
  ];
  expect(parts.every((n) => n >= 0)).toBe(true);
  expect(parts.reduce((a, b) => a + b, 0)).toBe(m.submitted);
}

/** A pool on the virtual clock whose worker doubles its input after `delay(n)` ms. */
function slowDoubler(
  clock: VirtualClock,
  delay: (n: number) => number,
  extra: { size?: number; capacity?: number; overflow?: OverflowPolicy } = {},
) {
  return createPool({
    worker: (n: number) => after(clock, delay(n), n * 2),
    size: extra.size ?? 1,
    queue: { capacity: extra.capacity ?? 10_000, overflow: extra.overflow ?? 'reject' },
    clock,
  });
}

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

describe('submitMany: options apply to every item', () => {
  it('priority: the whole batch runs at its level', async () => {
    const clock = createVirtualClock();
    const order: string[] = [];
    const pool = createPool({
      worker: (s: string) => {
        order.push(s);
        return after(clock, 10, s);
      },
      size: 1,
      queue: { kind: 'priority', levels: 3 },
      clock,
    }).start();
    await clock.flush();
    const blocker = pool.submit('blocker');
    const low = pool.submitMany(['low1', 'low2'], { priority: 0 });
    const high = pool.submitMany(['high1', 'high2'], { priority: 2 });
    const all = await settleWith(clock, Promise.all([blocker, low, high]));
    expect(order).toEqual(['blocker', 'high1', 'high2', 'low1', 'low2']);
    expect(all[1].map(valueOf)).toEqual(['low1', 'low2']);
    expect(all[2].map(valueOf)).toEqual(['high1', 'high2']);
    await pool.close();
  });

  it('timeoutMs: each item has its own deadline from its own start', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: (ms: number) => after(clock, ms, ms),
      size: 2,
      clock,
      supervision: { backoff: { minMs: 0, maxMs: 0, jitter: 0 } },
    }).start();
    await clock.flush();
    const results = await settleWith(clock, pool.submitMany([10, 100, 30, 40], { timeoutMs: 50 }));
    expect(results.map(valueOf)).toEqual([10, 'TaskTimedOut', 30, 40]);
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 3, timedOut: 1 });
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('retry: every item gets the policy (each fails once, then succeeds)', async () => {
    const clock = createVirtualClock();
    const tries = new Map<number, number>();
    const pool = createPool({
      worker: async (n: number) => {
        const t = (tries.get(n) ?? 0) + 1;
        tries.set(n, t);
        if (t === 1) throw new Error(`first try of ${n}`);
        return n * 2;
      },
      size: 1,
      clock,
    }).start();
    const retry = { attempts: 2, backoff: { minMs: 5, maxMs: 5, jitter: 0 } };
    const results = await settleWith(clock, pool.submitMany([1, 2, 3], { retry }));
    expect(results.map(valueOf)).toEqual([2, 4, 6]);
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 3, failed: 0, retries: 3 });
    // Without the option the pool does not retry: the items of another call fail.
    const plain = await settleWith(clock, pool.submitMany([4, 5]));
    expect(plain.map(valueOf)).toEqual(['TaskFailed', 'TaskFailed']);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('an id is refused: every item TaskRejected invalid-input naming the id, nothing runs', async () => {
    let runs = 0;
    const pool = createPool({ worker: (n: number) => (runs++, n) }).start();
    const results = await pool.submitMany([1, 2, 3], { id: 'job' });
    expect(results.map(reasonOf)).toEqual(['invalid-input', 'invalid-input', 'invalid-input']);
    for (const r of results) expect(isErr(r) && r.left.message).toMatch(/\bid\b/);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 0, rejected: 3 });
    await pool.onIdle();
    expect(runs).toBe(0);
    await pool.close();
  });

  it.each([
    ['timeoutMs -1', { timeoutMs: -1 }, /timeoutMs/],
    ['priority 1 on a FIFO queue', { priority: 1 }, /priority/],
    ['retry.attempts 0', { retry: { attempts: 0 } }, /attempts/],
  ])(
    'invalid options (%s): every item invalid-input, rejected grows by n',
    async (_, options, message) => {
      let runs = 0;
      const pool = createPool({ worker: (n: number) => (runs++, n) }).start();
      void pool.submit(0, { timeoutMs: -5 }); // one refusal before: the count grows from 1
      const results = await pool.submitMany([1, 2, 3, 4], options);
      expect(results.map(reasonOf)).toEqual([
        'invalid-input',
        'invalid-input',
        'invalid-input',
        'invalid-input',
      ]);
      for (const r of results) expect(isErr(r) && r.left.message).toMatch(message);
      expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 0, rejected: 5 });
      expect(runs).toBe(0);
      await pool.close();
    },
  );
});

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

describe('submitMany: property', () => {
  type Item = { readonly n: number; readonly fails: boolean; readonly ms: number };
  const itemArb = fc.record({
    n: fc.integer({ min: -1_000, max: 1_000 }),
    fails: fc.boolean(),
    ms: fc.integer({ min: 0, max: 20 }),
  });

  it('results[i] belongs to inputs[i]; admission follows the overflow policy; counters conserve', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(itemArb, { maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom<OverflowPolicy>('reject', 'wait', 'drop-oldest'),
        async (items, size, capacity, overflow) => {
          const clock = createVirtualClock();
          const pool = createPool({
            worker: async (item: Item) => {
              await after(clock, item.ms, undefined);
              if (item.fails) throw new Error(`fails ${item.n}`);
              return item.n * 2;
            },
            size,
            queue: { capacity, overflow },
            clock,
          }).start();
          await clock.flush(); // every worker idle: the first `size` items start at once
          const results = await settleWith(clock, pool.submitMany(items));
          await settleWith(clock, pool.onIdle());
          expect(results).toHaveLength(items.length);
          // Who was admitted: `size` run, `capacity` queue; the rest per the overflow policy.
          const room = size + capacity;
          const n = items.length;
          const admitted = (i: number): 'run' | 'refused' | 'dropped' => {
            if (i < size) return 'run';
            if (overflow === 'reject') return i < room ? 'run' : 'refused';
            if (overflow === 'drop-oldest') return i < n - capacity ? 'dropped' : 'run';
            return 'run';
          };
          results.forEach((r, i) => {
            const item = items[i]!;
            const fate = admitted(i);
            if (fate !== 'run') {
              expect(reasonOf(r), `item ${i}`).toBe('queue-full');
              expect(isErr(r) && r.left.taskId === undefined).toBe(fate === 'refused');
            } else if (item.fails) {
              expect(isErr(r) && r.left).toBeInstanceOf(TaskFailed);
              expect(isErr(r) && (r.left.cause as Error).message).toBe(`fails ${item.n}`);
            } else {
              expect(valueOf(r), `item ${i}`).toBe(item.n * 2);
            }
          });
          const fates = items.map((_, i) => admitted(i));
          const ran = items.filter((_, i) => fates[i] === 'run');
          const m = pool.getSnapshot().metrics;
          expect(m).toMatchObject({
            submitted: n - fates.filter((f) => f === 'refused').length,
            rejected: fates.filter((f) => f === 'refused').length,
            dropped: fates.filter((f) => f === 'dropped').length,
            completed: ran.filter((item) => !item.fails).length,
            failed: ran.filter((item) => item.fails).length,
          });
          expectConserved(m);
          await settleWith(clock, pool.close());
        },
      ),
      { numRuns: 100 },
    );
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
