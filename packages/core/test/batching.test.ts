/**
 * Batch pools: items gather into batches dispatched when full, when the oldest item has waited
 * maxWaitMs, or on close; each item gets its own result.
 */
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { left, right } from 'fp-ts/lib/Either.js';
import {
  BatchResultError,
  batchPool,
  createPool,
  createVirtualClock,
  InvalidOptionError,
  isErr,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  through,
  WorkerCrashed,
  WorkerCrashedError,
  type BatchPoolOptions,
  type SubmitOptions,
  type TaskOutcome,
  type TaskResult,
} from '@troupe/core';
import { collect } from './support/through-harness.js';
import { reasonOf, tagOf, valueOf } from './support/results.js';
import { settleWith } from './support/virtual-time.js';

type NumberBatchOptions = BatchPoolOptions<number, number>;

/** A started batch pool of `number`s on a fresh virtual clock, its workers ready. */
async function started(options: Omit<NumberBatchOptions, 'clock'>) {
  const clock = createVirtualClock();
  const pool = createPool<number, number>({ clock, ...options }).start();
  await clock.flush();
  return { clock, pool };
}

/** A started batch pool whose worker doubles after `workMs` (virtual), recording each batch. */
async function doublingBatches(size: number, maxWaitMs: number, workMs = 0) {
  const batches: number[][] = [];
  const { clock, pool } = await started({
    batch: { size, maxWaitMs },
    worker: async (inputs, ctx) => {
      batches.push(inputs);
      if (workMs > 0) await sleep(ctx.signal, workMs);
      return inputs.map((n) => n * 2);
    },
  });
  // The worker's sleep: rejects (clearing its timer) when the batch is aborted.
  const sleep = (signal: AbortSignal, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const handle = clock.setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clock.clearTimeout(handle);
        reject(signal.reason as Error);
      });
    });
  return { clock, pool, batches };
}

/** The cause of a `Left`'s error. */
const causeOf = (r: TaskResult<unknown>): unknown => (isErr(r) ? r.left.cause : undefined);

describe('batch pools', () => {
  it('dispatches a full batch at once and a partial one after maxWaitMs; each item gets its own result', async () => {
    const clock = createVirtualClock();
    const batches: number[][] = [];
    const pool = createPool({
      clock,
      batch: { size: 3, maxWaitMs: 50 },
      worker: (inputs: number[]) => {
        batches.push(inputs);
        return inputs.map((n) => n * 10);
      },
    }).start();
    await clock.flush();
    const results = [1, 2, 3, 4].map((n) => pool.submit(n));
    await clock.flush();
    expect(batches).toEqual([[1, 2, 3]]);
    await clock.advance(49);
    expect(batches).toHaveLength(1);
    await clock.advance(1);
    expect(batches).toEqual([[1, 2, 3], [4]]);
    expect((await Promise.all(results)).map(valueOf)).toEqual([10, 20, 30, 40]);
    const m = pool.getSnapshot().metrics.batch!;
    expect(m.flushes).toEqual({ full: 1, timer: 1, close: 0 });
    expect(m.batches).toBe(2);
    expect(m.size.max).toBe(3);
    expect(m.completed).toBe(4);
    await pool.close();
  });

  it('a failed batch fails each item once; a wrong-length array is a clear error; per-item Eithers', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      batch: { size: 2, maxWaitMs: 10 },
      worker: (inputs: number[]) => {
        if (inputs[0] === 0) throw new Error('bad batch');
        if (inputs[0] === 1) return [1];
        return inputs.map((n) => (n % 2 === 0 ? right(n) : left(new Error(`odd ${n}`))));
      },
    }).start();
    await clock.flush();
    const a = [0, 9].map((n) => pool.submit(n));
    const b = [1, 9].map((n) => pool.submit(n));
    const c = [2, 3].map((n) => pool.submit(n));
    await clock.advance(10);
    const [ra, rb, rc] = await Promise.all([Promise.all(a), Promise.all(b), Promise.all(c)]);
    expect(ra.map(valueOf)).toEqual(['TaskFailed', 'TaskFailed']);
    expect(rb.every((r) => isErr(r) && r.left.cause instanceof BatchResultError)).toBe(true);
    expect(isErr(rb[0]!) && String(rb[0].left.cause)).toMatch(
      /returned 1 results for a batch of 2/,
    );
    expect(rc.map(valueOf)).toEqual([2, 'TaskFailed']);
    await pool.close();
  });

  it('close() flushes the partial batch instead of dropping it', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      batch: { size: 10, maxWaitMs: 60_000 },
      worker: (inputs: number[]) => inputs,
    }).start();
    await clock.flush();
    const results = [1, 2].map((n) => pool.submit(n));
    await pool.close();
    expect((await Promise.all(results)).map(valueOf)).toEqual([1, 2]);
    expect(pool.getSnapshot().metrics.batch!.flushes.close).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('close({ abort: true }) flushes the open batch, then cancels it: each item settles once, no timer left', async () => {
    const { clock, pool, batches } = await doublingBatches(3, 1_000, 50);
    const outcomes: TaskOutcome<number>[] = [];
    pool.results$.subscribe((o) => outcomes.push(o));
    const running = [1, 2, 3].map((n) => pool.submit(n)); // full: on a worker now
    const open = [4, 5].map((n) => pool.submit(n));
    await clock.flush();
    expect(pool.getSnapshot().metrics.batch!.pending).toBe(2);
    await settleWith(clock, pool.close({ abort: true }));
    const results = await Promise.all([...running, ...open]);
    // The running batch is cancelled; the flushed one too, or it ran: either way, once.
    expect(results.slice(0, 3).every((r) => tagOf(r) === 'TaskCancelled')).toBe(true);
    for (const r of results.slice(3)) expect(['ok', 'TaskCancelled']).toContain(tagOf(r));
    expect(outcomes.map((o) => o.taskId).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(batches[0]).toEqual([1, 2, 3]);
    expect(pool.getSnapshot().metrics.batch).toMatchObject({
      items: 5,
      pending: 0,
      batches: 2,
      flushes: { full: 1, timer: 0, close: 1 },
    });
    expect(clock.pending()).toBe(0);
  });

  it('batchPool() is createPool with a batch', async () => {
    const clock = createVirtualClock();
    const pool = batchPool({
      clock,
      batch: { size: 2, maxWaitMs: 5 },
      worker: (inputs: string[]) => inputs.map((s) => s.toUpperCase()),
    }).start();
    await clock.flush();
    const results = ['a', 'b', 'c'].map((s) => pool.submit(s));
    await clock.advance(5);
    expect((await Promise.all(results)).map(valueOf)).toEqual(['A', 'B', 'C']);
    await pool.close();
  });

  it.each([
    ['null', null, /returned null, not an array for a batch of 2/],
    ['a string', 'ab', /returned string, not an array for a batch of 2/],
    ['an object', { length: 2 }, /returned object, not an array/],
    ['too many results', [1, 2, 3], /returned 3 results for a batch of 2/],
    ['no results', [], /returned 0 results for a batch of 2/],
  ])(
    'a batch worker returning %s fails every item with BatchResultError',
    async (_, output, message) => {
      const { pool } = await started({
        batch: { size: 2, maxWaitMs: 10 },
        worker: () => output as number[],
      });
      const results = await Promise.all([1, 2].map((n) => pool.submit(n)));
      for (const r of results) {
        expect(isErr(r) && r.left).toBeInstanceOf(TaskFailed);
        expect(causeOf(r)).toBeInstanceOf(BatchResultError);
        expect(String(causeOf(r))).toMatch(message);
      }
      await pool.close();
    },
  );

  it("the pool's timeoutMs applies to the batch: every item TaskTimedOut", async () => {
    const { clock, pool } = await started({
      timeoutMs: 100,
      batch: { size: 2, maxWaitMs: 10 },
      worker: (inputs) => new Promise<number[]>(() => inputs), // never settles
    });
    const results = [1, 2].map((n) => pool.submit(n));
    await clock.advance(100);
    for (const r of await Promise.all(results))
      expect(isErr(r) && r.left).toBeInstanceOf(TaskTimedOut);
    await settleWith(clock, pool.close());
  });

  it("the pool's retry retries the whole batch; each item settles once, with the final outcome", async () => {
    const calls: number[][] = [];
    const { clock, pool } = await started({
      retry: { attempts: 3, backoff: { minMs: 10, maxMs: 10, jitter: 0 } },
      batch: { size: 2, maxWaitMs: 5 },
      // Async: a failure is a rejected batch.
      worker: async (inputs) => {
        await Promise.resolve();
        calls.push(inputs);
        if (inputs[0] === 0) throw new Error(`always ${calls.length}`);
        if (calls.filter((c) => c[0] === inputs[0]).length < 2) throw new Error('once');
        return inputs.map((n) => n * 2);
      },
    });
    const outcomes: TaskOutcome<number>[] = [];
    pool.results$.subscribe((o) => outcomes.push(o));
    const good = [1, 2].map((n) => pool.submit(n));
    const bad = [0, 3].map((n) => pool.submit(n));
    await clock.advance(100);
    expect((await Promise.all(good)).map(valueOf)).toEqual([2, 4]);
    const failed = await Promise.all(bad);
    expect(failed.map((r) => String(causeOf(r)))).toEqual(['Error: always 5', 'Error: always 5']);
    expect(isErr(failed[0]!) && failed[0].left).toBe(isErr(failed[1]!) && failed[1].left);
    expect(calls).toEqual([
      [1, 2],
      [0, 3],
      [1, 2],
      [0, 3],
      [0, 3],
    ]);
    expect(outcomes).toHaveLength(4);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 2, completed: 1, failed: 1 });
    await pool.close();
  });

  it('a WorkerCrashedError in the batch: every item WorkerCrashed', async () => {
    const { clock, pool } = await started({
      batch: { size: 2, maxWaitMs: 5 },
      worker: () => {
        throw new WorkerCrashedError('resource gone');
      },
    });
    const results = await Promise.all([1, 2].map((n) => pool.submit(n)));
    for (const r of results) {
      expect(isErr(r) && r.left).toBeInstanceOf(WorkerCrashed);
      expect(causeOf(r)).toBeInstanceOf(WorkerCrashedError);
    }
    await settleWith(clock, pool.close());
  });

  it.each<[string, SubmitOptions]>([
    ['priority', { priority: 0 }],
    ['timeoutMs', { timeoutMs: 10 }],
    ['id', { id: 'a' }],
    ['retry', { retry: { attempts: 2 } }],
  ])(
    'per-item option %s is refused (TaskRejected invalid-input, naming it)',
    async (name, options) => {
      const { clock, pool, batches } = await doublingBatches(1, 5);
      const r = await pool.submit(1, { ...options, signal: new AbortController().signal });
      expect(reasonOf(r)).toBe('invalid-input');
      expect(isErr(r) && r.left.message).toMatch(
        new RegExp(`^invalid option \`${name}\`: .*only signal is per item`),
      );
      await clock.advance(10);
      expect(batches).toEqual([]);
      expect(pool.getSnapshot().metrics.batch!.items).toBe(0);
      await pool.close();
    },
  );

  it('refuses a signal that is not an AbortSignal, and names the first unsupported option', async () => {
    const { pool } = await doublingBatches(1, 5);
    const bad = await pool.submit(1, { signal: {} as AbortSignal });
    expect(isErr(bad) && bad.left.message).toMatch(/signal must be an AbortSignal/);
    const both = await pool.submit(1, { priority: 1, id: 'k' });
    expect(isErr(both) && both.left.message).toMatch(/^invalid option `priority`: got 1; /);
    await pool.close();
  });

  it('signal: aborted before, while in the open batch, or after dispatch — TaskCancelled at once', async () => {
    const { clock, pool, batches } = await doublingBatches(3, 20, 50);
    const early = await pool.submit(1, { signal: AbortSignal.abort('early') });
    expect([tagOf(early), causeOf(early)]).toEqual(['TaskCancelled', 'early']);
    const open = new AbortController();
    const removed = pool.submit(2, { signal: open.signal });
    const kept = pool.submit(3);
    open.abort('changed my mind');
    expect(tagOf(await removed)).toBe('TaskCancelled');
    expect(pool.getSnapshot().metrics.batch!.pending).toBe(1);
    await clock.advance(20);
    expect(batches).toEqual([[3]]); // the aborted item never reached the worker
    const late = new AbortController();
    const sent = [4, 5, 6].map((n, i) => pool.submit(n, i === 0 ? { signal: late.signal } : {}));
    await clock.flush();
    late.abort('late');
    expect(tagOf(await sent[0]!)).toBe('TaskCancelled');
    await clock.advance(100);
    expect(batches).toEqual([[3], [4, 5, 6]]);
    expect((await Promise.all([kept, ...sent])).map(valueOf)).toEqual([6, 'TaskCancelled', 10, 12]);
    expect(pool.getSnapshot().metrics.batch).toMatchObject({ items: 5, completed: 3, failed: 2 });
    await pool.close();
  });

  it('refuses items before start and after close (TaskRejected pool-closed)', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      batch: { size: 2, maxWaitMs: 5 },
      worker: (xs: number[]) => xs,
    });
    expect(reasonOf(await pool.submit(1))).toBe('pool-closed');
    expect((await pool.submitMany([1, 2])).map(reasonOf)).toEqual(['pool-closed', 'pool-closed']);
    pool.start();
    await clock.flush();
    await pool.close();
    expect(reasonOf(await pool.submit(1))).toBe('pool-closed');
    await expect(pool.run(1)).rejects.toBeInstanceOf(TaskRejected);
    expect(pool.getSnapshot().metrics.batch!.items).toBe(0);
  });

  const ok = { size: 2, maxWaitMs: 5 };
  it.each<[string, string, object]>([
    ['batch.size', '0', { batch: { ...ok, size: 0 } }],
    ['batch.size', '1.5', { batch: { ...ok, size: 1.5 } }],
    ['batch.size', "'2'", { batch: { ...ok, size: '2' } }],
    ['batch.maxWaitMs', '0', { batch: { ...ok, maxWaitMs: 0 } }],
    ['batch.maxWaitMs', '-1', { batch: { ...ok, maxWaitMs: -1 } }],
    ['batch.maxWaitMs', 'Infinity', { batch: { ...ok, maxWaitMs: Infinity } }],
    ['batch.maxWaitMs', 'NaN', { batch: { ...ok, maxWaitMs: NaN } }],
    ['batch', "'big'", { batch: 'big' }],
    ['queue.kind', "'priority' with a batch", { batch: ok, queue: { kind: 'priority' } }],
  ])('throws InvalidOptionError naming %s (given %s)', (option, _, options) => {
    const create = () =>
      createPool({ worker: (xs: number[]) => xs, ...options } as unknown as NumberBatchOptions);
    expect(create).toThrow(InvalidOptionError);
    expect(create).toThrow(expect.objectContaining({ option }) as Error);
  });

  it('metrics.batch and results$: item figures (the task counters count batches), one outcome per item', async () => {
    const { clock, pool } = await doublingBatches(3, 10);
    const outcomes: TaskOutcome<number>[] = [];
    pool.results$.subscribe((o) => outcomes.push(o));
    const items = [1, 2, 3, 4, 5, 6, 7].map((n) => pool.submit(n));
    expect(pool.getSnapshot().metrics.batch!.pending).toBe(1);
    await clock.advance(10);
    items.push(pool.submit(8));
    await clock.advance(10);
    const settled = await Promise.all(items);
    expect(outcomes.map((o) => [o.taskId, o.result])).toEqual(settled.map((r, i) => [i + 1, r]));
    const m = pool.getSnapshot().metrics;
    expect(m.batch).toEqual({
      items: 8,
      pending: 0,
      completed: 8,
      failed: 0,
      batches: 4,
      size: { p50: 1, p90: 3, p99: 3, max: 3 },
      flushes: { full: 2, timer: 2, close: 0 },
    });
    expect(m).toMatchObject({ submitted: 4, completed: 4 });
    await pool.close();
    // Absent on a pool without batch.
    const plain = createPool({ worker: (n: number) => n }).start();
    expect(plain.getSnapshot().metrics.batch).toBeUndefined();
    await plain.close();
  });

  it('onIdle() waits for the open batch to be dispatched and run', async () => {
    const { clock, pool } = await doublingBatches(5, 30, 20);
    await pool.onIdle(); // nothing open: at once
    const result = pool.submit(1);
    let idle = false;
    void pool.onIdle().then(() => (idle = true));
    await clock.advance(29);
    expect(idle).toBe(false); // the batch is still open
    await clock.advance(1);
    expect(idle).toBe(false); // dispatched, running
    await clock.advance(20);
    expect(idle).toBe(true);
    expect(valueOf(await result)).toBe(2);
    await pool.close();
  });

  it('submitMany, run and through(pool) work item by item', async () => {
    const { clock, pool, batches } = await doublingBatches(2, 10);
    const many = pool.submitMany([1, 2, 3]);
    const one = pool.run(4);
    await clock.advance(10);
    expect((await many).map(valueOf)).toEqual([2, 4, 6]);
    expect(await one).toBe(8);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const aborted = await pool.submitMany([5, 6], { signal: AbortSignal.abort() });
    expect(aborted.map(tagOf)).toEqual(['TaskCancelled', 'TaskCancelled']);
    expect(() => pool.submitMany(7 as unknown as number[])).toThrow(InvalidOptionError);
    const streamed = await collect(clock, from([7, 8, 9]).pipe(through(pool, { ordered: true })));
    expect(streamed.map(valueOf)).toEqual([14, 16, 18]);
    await pool.close();
  });
});

describe('batch pools: onIdle', () => {
  it('resolves when the only open item is cancelled (no flush ever comes)', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      batch: { size: 3, maxWaitMs: 10 },
      worker: (inputs: number[]) => inputs,
    }).start();
    await clock.flush();
    const controller = new AbortController();
    const item = pool.submit(1, { signal: controller.signal });
    let idle = false;
    void pool.onIdle().then(() => (idle = true));
    controller.abort(new Error('never mind'));
    await clock.flush();
    expect(idle).toBe(true);
    expect((await item)._tag).toBe('Left');
    await pool.close();
  });
});
