import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  isErr,
  isOk,
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  WorkerCrashed,
  WorkerCrashedError,
  type PoolMetrics,
  type TaskResult,
} from '@troupe/core';

const tagOf = (r: TaskResult<unknown>): string => (isErr(r) ? r.left._tag : 'ok');

function conserves(m: PoolMetrics): boolean {
  return (
    m.submitted ===
    m.completed +
      m.failed +
      m.crashed +
      m.timedOut +
      m.cancelled +
      m.dropped +
      m.waiting +
      m.queued +
      m.active
  );
}

/** A task that never settles unless its signal aborts (then it rejects). */
const hang = (signal?: AbortSignal) =>
  new Promise<never>((_, reject) =>
    signal?.addEventListener('abort', () => reject(signal.reason as Error)),
  );

describe('submit and run', () => {
  it('resolves Right with the value and Left(TaskFailed) with the thrown cause', async () => {
    const pool = createPool({
      worker: async (n: number) => {
        if (n < 0) throw new RangeError('negative');
        return n * 2;
      },
      size: 2,
    }).start();
    const ok = await pool.submit(21);
    expect(isOk(ok) && ok.right).toBe(42);
    const bad = await pool.submit(-1);
    expect(isErr(bad) && bad.left).toBeInstanceOf(TaskFailed);
    expect(isErr(bad) && (bad.left.cause as Error).message).toBe('negative');
    await expect(pool.run(-1)).rejects.toBeInstanceOf(TaskFailed);
    await expect(pool.run(2)).resolves.toBe(4);
    await pool.close();
  });

  it('treats a synchronous throw and a synchronous value like async ones', async () => {
    const pool = createPool({
      worker: (n: number) => {
        if (n === 0) throw new Error('zero');
        return n + 1;
      },
    }).start();
    const results = await Promise.all([1, 0, 2].map((n) => pool.submit(n)));
    expect(results.map(tagOf)).toEqual(['ok', 'TaskFailed', 'ok']);
    await pool.close();
  });

  it('runs queued tasks in FIFO order on one worker', async () => {
    const seen: number[] = [];
    const pool = createPool({ worker: async (n: number) => void seen.push(n), size: 1 }).start();
    await Promise.all(Array.from({ length: 100 }, (_, i) => pool.submit(i)));
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await pool.close();
  });

  it('never runs more tasks at once than it has workers', async () => {
    const clock = createVirtualClock();
    let running = 0;
    let peak = 0;
    const pool = createPool({
      worker: async () => {
        peak = Math.max(peak, ++running);
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
        running--;
      },
      size: 3,
      clock,
    }).start();
    const all = Promise.all(Array.from({ length: 20 }, () => pool.submit(undefined)));
    for (let i = 0; i < 10; i++) await clock.advance(10);
    await all;
    expect(peak).toBe(3);
    await pool.close();
  });

  it('refuses submits before start and after close with TaskRejected pool-closed', async () => {
    const pool = createPool({ worker: async (n: number) => n });
    const before = await pool.submit(1);
    expect(isErr(before) && before.left).toMatchObject({
      _tag: 'TaskRejected',
      reason: 'pool-closed',
    });
    pool.start();
    await pool.close();
    const after = await pool.submit(1);
    expect(isErr(after) && after.left).toMatchObject({
      _tag: 'TaskRejected',
      reason: 'pool-closed',
    });
    expect(pool.getSnapshot().metrics.rejected).toBe(2);
  });

  it('refuses invalid per-task options as invalid-input, naming the option', async () => {
    const pool = createPool({ worker: async (n: number) => n }).start();
    for (const options of [
      { timeoutMs: 0 },
      { timeoutMs: Number.NaN },
      { priority: 3 },
      { priority: 0.5 },
    ]) {
      const r = await pool.submit(1, options);
      expect(isErr(r) && r.left).toBeInstanceOf(TaskRejected);
      expect(isErr(r) && r.left).toMatchObject({ reason: 'invalid-input' });
      expect(isErr(r) && r.left.message).toMatch(/timeoutMs|priority/);
    }
    await pool.close();
  });

  it('cancels at once a submit whose signal is already aborted', async () => {
    const pool = createPool({ worker: async (n: number) => n }).start();
    const reason = new Error('changed my mind');
    const r = await pool.submit(1, { signal: AbortSignal.abort(reason) });
    expect(isErr(r) && r.left).toBeInstanceOf(TaskCancelled);
    expect(isErr(r) && r.left.cause).toBe(reason);
    await pool.close();
  });
});

describe('overflow', () => {
  const gated = (clock = createVirtualClock()) => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    return { clock, gate, open: () => open() };
  };

  it("'reject' refuses submits past capacity with queue-full", async () => {
    const { gate, open } = gated();
    const pool = createPool({
      worker: async (n: number) => (await gate, n),
      queue: { capacity: 2 },
    }).start();
    await pool.onIdle();
    const accepted = [pool.submit(1), pool.submit(2), pool.submit(3)]; // 1 runs, 2 and 3 queue
    const refused = await pool.submit(4);
    expect(isErr(refused) && refused.left).toMatchObject({ reason: 'queue-full' });
    open();
    expect((await Promise.all(accepted)).map(tagOf)).toEqual(['ok', 'ok', 'ok']);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 3, completed: 3, rejected: 1 });
    await pool.close();
  });

  it("'drop-oldest' evicts the oldest queued task to make room", async () => {
    const { gate, open } = gated();
    const pool = createPool({
      worker: async (n: number) => (await gate, n),
      queue: { capacity: 2, overflow: 'drop-oldest' },
    }).start();
    await pool.onIdle();
    const ps = [1, 2, 3, 4].map((n) => pool.submit(n)); // 1 runs; 2 is evicted by 4
    open();
    const results = await Promise.all(ps);
    expect(results.map(tagOf)).toEqual(['ok', 'TaskRejected', 'ok', 'ok']);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 4, completed: 3, dropped: 1 });
    expect(conserves(m)).toBe(true);
    await pool.close();
  });

  it("'wait' holds submits until there is room, in order", async () => {
    const { gate, open } = gated();
    const pool = createPool({
      worker: async (n: number) => (await gate, n),
      queue: { capacity: 1, overflow: 'wait' },
    }).start();
    await pool.onIdle();
    const ps = [1, 2, 3, 4].map((n) => pool.submit(n));
    expect(pool.getSnapshot().metrics).toMatchObject({ active: 1, queued: 1, waiting: 2 });
    open();
    expect((await Promise.all(ps)).map((r) => isOk(r) && r.right)).toEqual([1, 2, 3, 4]);
    await pool.close();
  });

  it("'wait' submits are dropped with pool-closed when the pool closes", async () => {
    const { gate, open } = gated();
    const pool = createPool({
      worker: async (n: number) => (await gate, n),
      queue: { capacity: 1, overflow: 'wait' },
    }).start();
    await pool.onIdle();
    const ps = [1, 2, 3].map((n) => pool.submit(n));
    const closed = pool.close();
    open();
    await closed;
    expect((await Promise.all(ps)).map(tagOf)).toEqual(['ok', 'ok', 'TaskRejected']);
    expect(conserves(pool.getSnapshot().metrics)).toBe(true);
  });
});

describe('timeouts', () => {
  it('settles TaskTimedOut when the deadline passes, counted from the start of the run', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: async (_: number, ctx) => hang(ctx.signal),
      size: 1,
      timeoutMs: 100,
      clock,
      supervision: { backoff: { minMs: 0, maxMs: 0 } }, // replace the hung worker at once
    }).start();
    await clock.flush();
    const first = pool.submit(1);
    const second = pool.submit(2); // queued: its clock starts when it runs
    await clock.advance(99);
    expect(pool.getSnapshot().metrics.timedOut).toBe(0);
    await clock.advance(1);
    const r1 = await first;
    expect(isErr(r1) && r1.left).toBeInstanceOf(TaskTimedOut);
    expect(isErr(r1) && r1.left).toMatchObject({ timeoutMs: 100 });
    // The hung worker was replaced; the second task starts on the new worker now.
    await clock.advance(99);
    expect(pool.getSnapshot().metrics.timedOut).toBe(1);
    await clock.advance(1);
    expect(tagOf(await second)).toBe('TaskTimedOut');
    expect(pool.getSnapshot().metrics.hangs).toBe(2);
    await pool.close({ abort: true });
  });

  it('a per-task timeoutMs overrides the pool default', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: async () => hang(), timeoutMs: 1_000, clock }).start();
    const r = pool.submit(undefined, { timeoutMs: 10 });
    await clock.advance(10);
    expect(isErr(await r) && (await r)).toBeTruthy();
    expect(pool.getSnapshot().metrics.timedOut).toBe(1);
    await pool.close({ timeoutMs: 0 });
  });

  it('discards and counts a result that arrives after the timeout', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: async () => new Promise((resolve) => clock.setTimeout(() => resolve('late'), 50)),
      timeoutMs: 10,
      clock,
    }).start();
    const r = pool.submit(undefined);
    await clock.advance(10);
    expect(tagOf(await r)).toBe('TaskTimedOut');
    await clock.advance(40);
    expect(pool.getSnapshot().metrics).toMatchObject({ late: 1, completed: 0, timedOut: 1 });
    await pool.close();
  });
});

describe('cancellation', () => {
  it('a queued task aborted never runs', async () => {
    const clock = createVirtualClock();
    const ran: number[] = [];
    const pool = createPool({
      worker: async (n: number) => {
        ran.push(n);
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
        return n;
      },
      clock,
    }).start();
    await clock.flush();
    const controller = new AbortController();
    const a = pool.submit(1);
    const b = pool.submit(2, { signal: controller.signal });
    controller.abort('stop');
    expect(tagOf(await b)).toBe('TaskCancelled');
    await clock.advance(20);
    expect(tagOf(await a)).toBe('ok');
    expect(ran).toEqual([1]);
    expect(conserves(pool.getSnapshot().metrics)).toBe(true);
    await pool.close();
  });

  it('a running task aborted settles at once and its ctx.signal aborts with the reason', async () => {
    let seen: unknown;
    const pool = createPool({
      worker: async (n: number, ctx) => {
        if (n !== 1) return n;
        ctx.signal.addEventListener('abort', () => (seen = ctx.signal.reason as unknown));
        return hang(ctx.signal);
      },
    }).start();
    const controller = new AbortController();
    const r = pool.submit(1, { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort('enough');
    const result = await r;
    expect(isErr(result) && result.left).toMatchObject({ _tag: 'TaskCancelled', cause: 'enough' });
    expect(seen).toBe('enough');
    // The cooperative task rejected after the abort: its result is late, and the worker is free again.
    expect(await pool.run(5)).toBe(5);
    expect(pool.getSnapshot().metrics.late).toBe(1);
    await pool.close();
  });

  it('many queued tasks can be cancelled without slowing the queue (lazy removal)', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const pool = createPool({
      worker: async (n: number) => (await gate, n),
      queue: { capacity: Infinity },
    }).start();
    await pool.onIdle();
    const controllers = Array.from({ length: 5_000 }, () => new AbortController());
    const ps = controllers.map((c, i) => pool.submit(i, { signal: c.signal }));
    controllers.forEach((c, i) => i % 2 === 1 && c.abort());
    open();
    const results = await Promise.all(ps);
    expect(results.filter((r) => tagOf(r) === 'TaskCancelled')).toHaveLength(2_500);
    expect(pool.getSnapshot().metrics).toMatchObject({
      completed: 2_500,
      cancelled: 2_500,
      queued: 0,
    });
    await pool.close();
  });
});

describe('worker crashes', () => {
  it('a task throwing WorkerCrashedError ends WorkerCrashed and its worker is replaced', async () => {
    let setups = 0;
    const pool = createPool({
      worker: fromAsync({
        setup: async () => ++setups,
        run: async (n: number) => {
          if (n === 0) throw new WorkerCrashedError('resource broke');
          return n;
        },
      }),
      size: 1,
    }).start();
    const r = await pool.submit(0);
    expect(isErr(r) && r.left).toBeInstanceOf(WorkerCrashed);
    expect(await pool.run(7)).toBe(7);
    expect(setups).toBe(2);
    expect(pool.getSnapshot().metrics).toMatchObject({ crashed: 1, crashes: 1, completed: 1 });
    await pool.close();
  });

  it('an executor fault reported through ctx.crash fails the running task with WorkerCrashed', async () => {
    let crash!: (cause: unknown) => void;
    const pool = createPool({
      worker: fromAsync({
        setup: (ctx) => {
          crash = ctx.crash;
        },
        run: async () => hang(),
      }),
    }).start();
    const r = pool.submit(undefined);
    await new Promise((resolve) => setImmediate(resolve));
    crash(new Error('thread died'));
    const result = await r;
    expect(isErr(result) && result.left).toMatchObject({ _tag: 'WorkerCrashed' });
    expect(isErr(result) && (result.left.cause as Error).message).toBe('thread died');
    await pool.close();
  });

  it('passes the resource from setup to tasks and tears it down on close', async () => {
    const log: string[] = [];
    const pool = createPool({
      worker: fromAsync({
        setup: async ({ workerId }) => `conn(${workerId})`,
        run: async (_: void, ctx) => ctx.resource,
        teardown: async (resource) => void log.push(`closed ${resource}`),
      }),
      name: 'db',
    }).start();
    expect(await pool.run()).toBe('conn(db-w1)');
    await pool.close();
    expect(log).toEqual(['closed conn(db-w1)']);
  });
});

describe('edges found in review', () => {
  it("'drop-oldest' with no ready worker does not make the pool look idle", async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: fromAsync({
        setup: () => new Promise<void>((resolve) => clock.setTimeout(resolve, 5)),
        run: async (n: number) => n,
      }),
      queue: { capacity: 1, overflow: 'drop-oldest' },
      clock,
    }).start();
    void pool.submit(1);
    const second = pool.submit(2); // evicts 1
    let idle = false;
    void pool.onIdle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    await clock.advance(5);
    expect(tagOf(await second)).toBe('ok');
    await pool.close();
  });

  it('an executor fault aborts the signal of the task it broke, and records its run as crashed', async () => {
    let crash!: (cause: unknown) => void;
    let aborted: unknown;
    const pool = createPool({
      worker: fromAsync({
        setup: (ctx) => void (crash = ctx.crash),
        run: async (_: void, ctx) => {
          ctx.signal.addEventListener('abort', () => (aborted = ctx.signal.reason as unknown));
          return hang();
        },
      }),
    }).start();
    const task = pool.submit();
    await new Promise((resolve) => setImmediate(resolve));
    const cause = new Error('socket closed');
    crash(cause);
    expect(tagOf(await task)).toBe('WorkerCrashed');
    expect(aborted).toBe(cause);
    const { latency, crashedLatency } = pool.getSnapshot().metrics;
    expect({ completed: latency.count, crashed: crashedLatency.count }).toEqual({
      completed: 0,
      crashed: 1,
    });
    await pool.close();
  });

  it('a per-task timeoutMs of Infinity opts out of the pool default', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: () =>
        new Promise<string>((resolve) => clock.setTimeout(() => resolve('slow'), 5_000)),
      timeoutMs: 100,
      clock,
    }).start();
    const task = pool.submit(undefined, { timeoutMs: Infinity });
    await clock.advance(5_000);
    expect(tagOf(await task)).toBe('ok');
    await pool.close();
  });
});
