import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  isErr,
  TaskCancelled,
  TaskRejected,
  type Pool,
  type PoolMetrics,
  type PoolOptions,
  type QueueOptions,
  type SubmitOptions,
  type TaskResult,
} from '@troupe/core';

type Result = TaskResult<string>;

/** Options as an untyped caller (plain JS, JSON config) might pass them. */
const loose = (queue: Record<string, unknown>): PoolOptions<string, string> => ({
  worker: async (s: string) => s,
  queue,
});

function invalid(options: PoolOptions<string, string>): InvalidOptionError {
  try {
    createPool(options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('createPool did not throw');
}

/** The `TaskRejected` in a result, or a description of what the result is instead. */
function rejection(r: Result): TaskRejected | string {
  if (!isErr(r)) return `Right(${r.right})`;
  return r.left instanceof TaskRejected ? r.left : r.left._tag;
}

/** The counters conserve: every accepted task is in exactly one bucket. */
function expectConserved(m: PoolMetrics): void {
  const parts =
    m.completed +
    m.failed +
    m.crashed +
    m.timedOut +
    m.cancelled +
    m.dropped +
    m.waiting +
    m.queued +
    m.retrying +
    m.active;
  expect(parts).toBe(m.submitted);
}

/**
 * A size-1 pool on a virtual clock whose worker records the order tasks start in. `blocked()`
 * submits a `gate` task that holds the only worker until `open()`, so that everything
 * submitted after it queues.
 */
function gatedPool(queue: QueueOptions, extra: Partial<PoolOptions<string, string>> = {}) {
  const clock = createVirtualClock();
  const order: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const pool: Pool<string, string> = createPool({
    worker: async (job: string) => {
      order.push(job);
      if (job === 'gate') await gate;
      if (job.startsWith('fail')) throw new Error(job);
      return job;
    },
    size: 1,
    clock,
    queue,
    ...extra,
  }).start();
  // The gate's result comes back wrapped: an async function would otherwise wait for it.
  const blocked = async (options?: SubmitOptions): Promise<{ gate: Promise<Result> }> => {
    await clock.flush(); // the worker is ready
    const gate = pool.submit('gate', options);
    expect(pool.getSnapshot().metrics.active).toBe(1);
    return { gate };
  };
  const submitAll = (jobs: readonly (readonly [string, number])[]): Promise<Result>[] =>
    jobs.map(([job, priority]) => pool.submit(job, { priority, id: job }));
  /** Opens the gate and waits for everything to run. */
  const drain = async (): Promise<void> => {
    open();
    await pool.onIdle();
  };
  return { clock, order, pool, blocked, submitAll, drain };
}

const PRIORITY = { kind: 'priority' } as const;

type Case = readonly [option: string, queue: Record<string, unknown>, allowed: RegExp];

const cases: readonly Case[] = [
  ['queue.kind', { kind: 'lifo' }, /'fifo' \| 'priority'/],
  ['queue.kind', { kind: 1 }, /'fifo' \| 'priority'/],
  ['queue.levels', { levels: 3 }, /unless queue.kind is 'priority'/],
  ['queue.levels', { kind: 'fifo', levels: 3 }, /unless queue.kind is 'priority'/],
  ['queue.aging', { aging: { everyMs: 10 } }, /unless queue.kind is 'priority'/],
  ['queue.aging', { kind: 'fifo', aging: { everyMs: 10 } }, /unless queue.kind is 'priority'/],
  ['queue.levels', { kind: 'priority', levels: 0 }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: 257 }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: 2.5 }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: Number.NaN }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: '3' }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: Infinity }, /whole number from 1 to 256/],
  ['queue.aging', { kind: 'priority', aging: 100 }, /an object/],
  ['queue.aging', { kind: 'priority', aging: null }, /an object/],
  ['queue.aging.everyMs', { kind: 'priority', aging: {} }, /finite number > 0/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: 0 } }, /finite number > 0/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: -5 } }, /finite number > 0/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: Infinity } }, /finite/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: Number.NaN } }, /> 0/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: '10' } }, /> 0/],
];

describe('priority queue options', () => {
  it.each(cases)('rejects %s in %j', (option, queue, allowed) => {
    const error = invalid(loose(queue));
    expect(error.option).toBe(option);
    expect(error.message).toContain(`\`${option}\``);
    expect(error.allowed).toMatch(allowed);
  });

  it('accepts the edges: 1 and 256 levels, a tiny everyMs, fifo spelled out', async () => {
    const clock = createVirtualClock();
    for (const queue of [
      { kind: 'priority', levels: 1 },
      { kind: 'priority', levels: 256, aging: { everyMs: 0.001 } },
      { kind: 'priority', capacity: Infinity, overflow: 'wait' },
      { kind: 'fifo' },
    ] as const) {
      const pool = createPool({ worker: async (s: string) => s, clock, queue }).start();
      await clock.flush();
      const top = queue.kind === 'priority' ? ('levels' in queue ? queue.levels - 1 : 2) : 0;
      await expect(pool.run('x', { priority: top })).resolves.toBe('x');
      await pool.close();
    }
  });

  it('defaults to 3 levels: 2 is the top priority, 3 is out of range', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: async (s: string) => s, clock, queue: PRIORITY }).start();
    await clock.flush();
    await expect(pool.run('top', { priority: 2 })).resolves.toBe('top');
    const r = rejection(await pool.submit('over', { priority: 3 }));
    expect(r).toMatchObject({ reason: 'invalid-input' });
    expect((r as TaskRejected).message).toContain('0 to 2');
    expect(pool.getSnapshot().metrics.levels).toHaveLength(3);
    await pool.close();
  });
});

describe('run order', () => {
  it('runs higher levels first and FIFO within a level', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool({ ...PRIORITY, levels: 4 });
    const { gate } = await blocked();
    const results = submitAll([
      ['a0', 0],
      ['b2', 2],
      ['c1', 1],
      ['d3', 3],
      ['e0', 0],
      ['f2', 2],
      ['g3', 3],
      ['h1', 1],
    ]);
    await drain();
    expect(order).toEqual(['gate', 'd3', 'g3', 'b2', 'f2', 'c1', 'h1', 'a0', 'e0']);
    expect((await Promise.all([gate, ...results])).every((r) => !isErr(r))).toBe(true);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('runs tasks without a priority at level 0', async () => {
    const { order, pool, blocked, drain } = gatedPool(PRIORITY);
    await blocked();
    const results = [
      pool.submit('plain'),
      pool.submit('one', { priority: 1 }),
      pool.submit('zero', { priority: 0 }),
    ];
    await drain();
    await Promise.all(results);
    expect(order).toEqual(['gate', 'one', 'plain', 'zero']);
    await pool.close();
  });
});

describe('invalid priorities', () => {
  it.each([-1, 1.5, 3, Number.NaN, Infinity, '1'])(
    'rejects priority %s with invalid-input, naming the allowed range',
    async (priority) => {
      const { order, pool, clock } = gatedPool({ ...PRIORITY, levels: 3 });
      await clock.flush();
      const r = rejection(await pool.submit('bad', { priority: priority as number }));
      expect(r).toBeInstanceOf(TaskRejected);
      expect(r).toMatchObject({ reason: 'invalid-input', taskId: undefined });
      expect((r as TaskRejected).message).toMatch(/priority/);
      expect((r as TaskRejected).message).toContain('from 0 to 2 (queue.levels is 3)');
      const m = pool.getSnapshot().metrics;
      expect(m).toMatchObject({ rejected: 1, submitted: 0, queued: 0, active: 0 });
      expect(order).toEqual([]);
      await pool.close();
    },
  );

  it('a FIFO pool rejects any priority but 0, pointing at kind: priority', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: async (s: string) => s, clock }).start();
    await clock.flush();
    const r = rejection(await pool.submit('x', { priority: 1 }));
    expect(r).toMatchObject({ reason: 'invalid-input' });
    expect((r as TaskRejected).message).toContain("kind: 'priority'");
    await expect(pool.run('y', { priority: 0 })).resolves.toBe('y');
    expect(pool.getSnapshot().metrics).toMatchObject({ rejected: 1, submitted: 1 });
    await pool.close();
  });
});

describe('setPriority', () => {
  it('raises an old low task to the top: after earlier top tasks, before later ones', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool(PRIORITY);
    await blocked();
    const results = submitAll([
      ['t0', 2],
      ['low', 0],
      ['t1', 2],
      ['mid', 1],
    ]);
    expect(pool.setPriority('low', 2)).toBe(true);
    await drain();
    await Promise.all(results);
    expect(order).toEqual(['gate', 't0', 'low', 't1', 'mid']);
    await pool.close();
  });

  it('keeps arrival order within the new level, and can lower a task too', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool(PRIORITY);
    await blocked();
    const results = submitAll([
      ['t0', 2],
      ['m1', 1],
      ['low', 0],
      ['t1', 2],
      ['m2', 1],
      ['t2', 2],
    ]);
    expect(pool.setPriority('low', 1)).toBe(true);
    expect(pool.setPriority('t1', 0)).toBe(true);
    expect(pool.setPriority('t2', 2)).toBe(true); // same level: nothing moves
    expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([1, 3, 2]);
    await drain();
    await Promise.all(results);
    expect(order).toEqual(['gate', 't0', 't2', 'm1', 'low', 'm2', 't1']);
    await pool.close();
  });

  it('can move a task more than once', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool({ ...PRIORITY, levels: 4 });
    await blocked();
    const results = submitAll([
      ['x', 0],
      ['a', 2],
      ['b', 1],
      ['c', 3],
    ]);
    expect(pool.setPriority('x', 3)).toBe(true);
    expect(pool.setPriority('x', 1)).toBe(true);
    expect(pool.setPriority('c', 0)).toBe(true);
    await drain();
    await Promise.all(results);
    expect(order).toEqual(['gate', 'a', 'x', 'b', 'c']);
    await pool.close();
  });

  it('returns false for running, settled, cancelled and unknown ids', async () => {
    const { pool, blocked, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked({ id: 'gate' });
    expect(pool.setPriority('gate', 2)).toBe(false); // running
    expect(pool.setPriority('nobody', 2)).toBe(false);
    const controller = new AbortController();
    const cancelled = pool.submit('c', { id: 'c', signal: controller.signal });
    const queued = pool.submit('q', { id: 'q' });
    controller.abort(new Error('no'));
    expect(rejection(await cancelled)).toBe('TaskCancelled');
    expect(pool.setPriority('c', 2)).toBe(false);
    expect(pool.setPriority('q', 2)).toBe(true);
    await drain();
    await Promise.all([gate, queued]);
    expect(pool.setPriority('gate', 1)).toBe(false); // settled
    expect(pool.setPriority('q', 1)).toBe(false);
    await pool.close();
  });

  it.each([3, -1, 1.5, Number.NaN])(
    'throws InvalidOptionError (priority) for level %s',
    async (priority) => {
      const { pool, blocked, drain } = gatedPool(PRIORITY);
      await blocked();
      const queued = pool.submit('q', { id: 'q', priority: 1 });
      let thrown: unknown;
      try {
        pool.setPriority('q', priority);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect(thrown).toMatchObject({ option: 'priority' });
      // Also for an unknown id: the level is checked first.
      expect(() => pool.setPriority('nobody', priority)).toThrow(InvalidOptionError);
      expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([0, 1, 0]);
      await drain();
      await queued;
      await pool.close();
    },
  );

  it('on a FIFO pool throws for any level but 0', async () => {
    const { pool, blocked, drain } = gatedPool({});
    await blocked();
    const queued = pool.submit('q', { id: 'q' });
    expect(() => pool.setPriority('q', 1)).toThrow(InvalidOptionError);
    expect(pool.setPriority('q', 0)).toBe(true);
    await drain();
    await queued;
    await pool.close();
  });

  it('re-levels a task waiting out a retry delay: it queues again at its new level', async () => {
    const { clock, order, pool, blocked, drain } = gatedPool(PRIORITY, {
      retry: { attempts: 2, backoff: { minMs: 100, maxMs: 100, jitter: 0 } },
    });
    await clock.flush();
    const flaky = pool.submit('fail-once', { id: 'f' });
    await clock.flush();
    expect(pool.getSnapshot().metrics).toMatchObject({ retrying: 1, active: 0 });
    const { gate } = await blocked();
    const others = [pool.submit('top', { priority: 2 }), pool.submit('mid', { priority: 1 })];
    expect(pool.setPriority('f', 2)).toBe(true);
    expectConserved(pool.getSnapshot().metrics);
    await clock.advance(100); // the retry delay ends: it queues behind `top`, ahead of `mid`
    expect(pool.getSnapshot().metrics).toMatchObject({ retrying: 0, queued: 3 });
    expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([0, 1, 2]);
    await drain();
    expect(order).toEqual(['fail-once', 'gate', 'top', 'fail-once', 'mid']);
    expect(rejection(await flaky)).toBe('TaskFailed'); // its second run fails too
    await Promise.all([gate, ...others]);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});

describe('task ids', () => {
  it('rejects a duplicate of an unsettled id; the id is free again once its task settles', async () => {
    const { order, pool, blocked, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked({ id: 'g' });
    const first = pool.submit('first', { id: 'a', priority: 0 });
    for (const id of ['a', 'g']) {
      const r = rejection(await pool.submit('dup', { id, priority: 2 }));
      expect(r).toMatchObject({ reason: 'invalid-input', taskId: undefined });
      expect((r as TaskRejected).message).toContain(`'${id}'`);
    }
    const empty = rejection(await pool.submit('empty', { id: '' }));
    expect(empty).toMatchObject({ reason: 'invalid-input' });
    expect(pool.getSnapshot().metrics).toMatchObject({ rejected: 3, submitted: 2 });
    // The duplicates did not disturb the original: it is still found by its id.
    expect(pool.setPriority('a', 2)).toBe(true);
    await drain();
    await Promise.all([gate, first]);
    expect(order).toEqual(['gate', 'first']);
    await expect(pool.run('again', { id: 'a' })).resolves.toBe('again');
    await expect(pool.run('gate-again', { id: 'g' })).resolves.toBe('gate-again');
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});

describe('aging', () => {
  const STEP_MS = 25;
  const RUN_MS = 50;

  /**
   * A top task runs at once, then a low task queues, then a top task arrives every 25 ms while
   * each task runs 50 ms: the top level is never empty. Returns the start order and times.
   */
  async function stream(queue: QueueOptions) {
    const clock = createVirtualClock();
    const started = new Map<string, number>();
    const pool = createPool({
      worker: (job: string) => {
        started.set(job, clock.now());
        return new Promise<string>((resolve) => clock.setTimeout(() => resolve(job), RUN_MS));
      },
      clock,
      queue,
    }).start();
    await clock.flush();
    const results = [pool.submit('first', { priority: 2 }), pool.submit('low', { priority: 0 })];
    for (let i = 1; i <= 12; i++) {
      results.push(pool.submit(`t${i}`, { priority: 2 }));
      await clock.advance(STEP_MS);
    }
    const levelsWhileQueued = pool.getSnapshot().metrics.levels?.map((l) => l.queued);
    await clock.advance(1_000);
    expect((await Promise.all(results)).every((r) => !isErr(r))).toBe(true);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
    return { order: [...started.keys()], started, levelsWhileQueued };
  }

  it('a low task overtakes later top tasks after (levels - 1) × everyMs', async () => {
    const { order, started, levelsWhileQueued } = await stream({
      ...PRIORITY,
      levels: 3,
      aging: { everyMs: 100 },
    });
    expect(started.get('low')).toBe(200);
    expect(order).toEqual([
      'first',
      't1',
      't2',
      't3',
      'low',
      ...Array.from({ length: 9 }, (_, i) => `t${i + 4}`),
    ]);
    // At t = 300 `low` has run; the per-level gauge counts base levels, not aged ones.
    expect(levelsWhileQueued).toEqual([0, 0, 7]);
  });

  it('without aging the low task starves until the top level is empty', async () => {
    const { order, started, levelsWhileQueued } = await stream({ ...PRIORITY, levels: 3 });
    expect(order.at(-1)).toBe('low');
    expect(started.get('low')).toBe(13 * RUN_MS);
    expect(levelsWhileQueued).toEqual([1, 0, 6]);
  });

  it('an aged task competes by arrival with the tasks of the level it reached', async () => {
    const { clock, order, pool, blocked, drain } = gatedPool({
      ...PRIORITY,
      levels: 3,
      aging: { everyMs: 100 },
    });
    const { gate } = await blocked();
    const results = [pool.submit('low', { priority: 0 })];
    await clock.advance(50);
    results.push(pool.submit('mid-early', { priority: 1 }));
    await clock.advance(60); // t = 110: low is at level 1 and older than mid-early
    results.push(pool.submit('mid-late', { priority: 1 }));
    await drain();
    await Promise.all([gate, ...results]);
    expect(order).toEqual(['gate', 'low', 'mid-early', 'mid-late']);
    await pool.close();
  });
});

describe('aging with setPriority', () => {
  it('a re-levelled task keeps the time it has waited', async () => {
    const { clock, order, pool, blocked, drain } = gatedPool({
      ...PRIORITY,
      levels: 3,
      aging: { everyMs: 100 },
    });
    const { gate } = await blocked();
    const results = [pool.submit('low', { id: 'low', priority: 0 })];
    await clock.advance(10);
    results.push(pool.submit('top', { priority: 2 }));
    await clock.advance(140);
    // t = 150: raised to base level 1, `low` still counts the 150 ms it has waited, so it is at
    // effective level 2 with `top`, and arrived first. (Unraised, it would be at level 1.)
    expect(pool.setPriority('low', 1)).toBe(true);
    await drain();
    await Promise.all([gate, ...results]);
    expect(order).toEqual(['gate', 'low', 'top']);
    await pool.close();
  });
});

describe('overflow drop-oldest', () => {
  it('evicts the oldest task of the lowest non-empty level', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool({
      ...PRIORITY,
      capacity: 3,
      overflow: 'drop-oldest',
    });
    const { gate } = await blocked();
    const [m1, l1, l2] = submitAll([
      ['m1', 1],
      ['l1', 0],
      ['l2', 0],
    ]);
    const [t1] = submitAll([['t1', 2]]);
    expect(rejection(await l1!)).toMatchObject({ reason: 'queue-full', taskId: 3 });
    let m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ dropped: 1, queued: 3 });
    expect(m.levels?.map((l) => l.queued)).toEqual([1, 1, 1]);
    const [t2] = submitAll([['t2', 2]]);
    expect(rejection(await l2!)).toMatchObject({ reason: 'queue-full' });
    const [t3] = submitAll([['t3', 2]]);
    expect(rejection(await m1!)).toMatchObject({ reason: 'queue-full' });
    m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ dropped: 3, queued: 3, rejected: 0 });
    expect(m.levels?.map((l) => l.queued)).toEqual([0, 0, 3]);
    await drain();
    await Promise.all([gate, t1, t2, t3]);
    expect(order).toEqual(['gate', 't1', 't2', 't3']);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('evicts by base level: a raised task is safe, a newcomer of the lowest level goes', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool({
      ...PRIORITY,
      capacity: 2,
      overflow: 'drop-oldest',
    });
    const { gate } = await blocked();
    const [a, b] = submitAll([
      ['a', 0],
      ['b', 1],
    ]);
    expect(pool.setPriority('a', 2)).toBe(true);
    const [c] = submitAll([['c', 0]]);
    expect(rejection(await c!)).toMatchObject({ reason: 'queue-full' });
    expect(pool.getSnapshot().metrics).toMatchObject({ dropped: 1, queued: 2 });
    await drain();
    await Promise.all([gate, a, b]);
    expect(order).toEqual(['gate', 'a', 'b']);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});

describe('cancellation while queued', () => {
  it('removes the task: it never runs, the others keep their order', async () => {
    const { order, pool, blocked, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked();
    const controllers = [new AbortController(), new AbortController()];
    const reason = new Error('changed my mind');
    const a = pool.submit('a', { priority: 2 });
    const b = pool.submit('b', { priority: 1, id: 'b', signal: controllers[0]!.signal });
    const c = pool.submit('c', { priority: 0 });
    const raised = pool.submit('raised', { id: 'r', signal: controllers[1]!.signal });
    const d = pool.submit('d', { priority: 1 });
    expect(pool.setPriority('r', 2)).toBe(true);
    controllers[0]!.abort(reason);
    controllers[1]!.abort(reason);
    const cancelled = await b;
    expect(isErr(cancelled) && cancelled.left).toBeInstanceOf(TaskCancelled);
    expect(isErr(cancelled) && cancelled.left.cause).toBe(reason);
    expect(rejection(await raised)).toBe('TaskCancelled');
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ cancelled: 2, queued: 3, submitted: 6 });
    expect(m.levels?.map((l) => l.queued)).toEqual([1, 1, 1]);
    expectConserved(m);
    expect(pool.setPriority('b', 2)).toBe(false);
    await drain();
    await Promise.all([gate, a, c, d]);
    expect(order).toEqual(['gate', 'a', 'd', 'c']);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('keeps arrival order through many cancellations and moves', async () => {
    const { order, pool, blocked, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked();
    // Enough cancellations to make the queue compact its levels; the newest task of each
    // level survives, so a compaction that lost arrival order would show.
    const N = 301;
    const controllers: AbortController[] = [];
    const results: Promise<Result>[] = [];
    for (let i = 0; i < N; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      results.push(pool.submit(`j${i}`, { id: `j${i}`, signal: controller.signal }));
    }
    // Every 3rd task moves to level 1; three in four of all tasks are cancelled; every 9th that
    // is left moves back to level 0, where it keeps its arrival among the others.
    for (let i = 0; i < N; i += 3) expect(pool.setPriority(`j${i}`, 1)).toBe(true);
    const kept = (i: number): boolean => i % 4 === 0;
    for (let i = 0; i < N; i++) if (!kept(i)) controllers[i]!.abort('no');
    for (let i = 0; i < N; i += 9) expect(pool.setPriority(`j${i}`, 0)).toBe(kept(i));
    const survivors = Array.from({ length: N }, (_, i) => i).filter(kept);
    const raisedIds = survivors.filter((i) => i % 3 === 0 && i % 9 !== 0);
    const rest = survivors.filter((i) => !raisedIds.includes(i));
    expect(raisedIds.length).toBeGreaterThan(10);
    expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([
      rest.length,
      raisedIds.length,
      0,
    ]);
    await drain();
    await Promise.all([gate, ...results]);
    expect(order).toEqual(['gate', ...[...raisedIds, ...rest].map((i) => `j${i}`)]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ cancelled: N - survivors.length, queued: 0 });
    expectConserved(m);
    await pool.close();
  });
});

describe('per-level metrics', () => {
  it('counts queued tasks per base level, and their waits per level after they start', async () => {
    const { clock, pool, blocked, submitAll, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked();
    const results = submitAll([
      ['a', 0],
      ['b', 0],
      ['c', 1],
      ['d', 2],
      ['e', 2],
      ['f', 2],
    ]);
    await clock.advance(1_000);
    let m = pool.getSnapshot().metrics;
    expect(m.queued).toBe(6);
    expect(m.levels?.map((l) => l.level)).toEqual([0, 1, 2]);
    expect(m.levels?.map((l) => l.queued)).toEqual([2, 1, 3]);
    expect(m.levels?.map((l) => l.wait.count)).toEqual([1, 0, 0]); // the gate started
    await drain();
    await Promise.all([gate, ...results]);
    m = pool.getSnapshot().metrics;
    expect(m.levels?.map((l) => l.queued)).toEqual([0, 0, 0]);
    expect(m.levels?.map((l) => l.wait.count)).toEqual([3, 1, 3]);
    expect(m.levels?.map((l) => l.wait.max)).toEqual([1_000, 1_000, 1_000]);
    expect(m.levels?.[1]?.wait.p50).toBeGreaterThanOrEqual(1_000);
    expect(m.queueWait.count).toBe(7);
    expectConserved(m);
    await pool.close();
  });

  it('records a wait under the level the task had when it started', async () => {
    const { clock, pool, blocked, submitAll, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked();
    const results = submitAll([
      ['x', 0],
      ['y', 1],
    ]);
    await clock.advance(500);
    expect(pool.setPriority('x', 2)).toBe(true);
    expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([0, 1, 1]);
    await drain();
    await Promise.all([gate, ...results]);
    const levels = pool.getSnapshot().metrics.levels;
    expect(levels?.map((l) => l.wait.count)).toEqual([1, 1, 1]);
    expect(levels?.[0]?.wait.max).toBe(0); // only the gate
    expect(levels?.[2]?.wait.max).toBe(500);
    await pool.close();
  });

  it('is absent on FIFO pools', async () => {
    const { pool, blocked, drain } = gatedPool({});
    const { gate } = await blocked();
    const queued = pool.submit('q');
    const m = pool.getSnapshot().metrics;
    expect(m.queued).toBe(1);
    expect(m.levels).toBeUndefined();
    expect('levels' in m).toBe(false);
    await drain();
    await Promise.all([gate, queued]);
    await pool.close();
  });
});

describe('conservation', () => {
  it('holds at the end of a mixed run: completed, failed, cancelled, dropped, rejected', async () => {
    const { pool, blocked, drain } = gatedPool({
      ...PRIORITY,
      capacity: 5,
      overflow: 'drop-oldest',
    });
    const { gate } = await blocked();
    const controller = new AbortController();
    const results = [
      pool.submit('a', { priority: 2 }),
      pool.submit('fail-b', { priority: 1 }),
      pool.submit('c', { priority: 0, signal: controller.signal }),
      pool.submit('d', { priority: 0 }),
      pool.submit('e', { priority: 1 }),
      pool.submit('f', { priority: 2 }), // the queue is full: drops c
      pool.submit('g', { priority: 5 }), // rejected at the door
      pool.submit('h', { priority: 2 }), // drops d
    ];
    controller.abort('too late: already dropped');
    expectConserved(pool.getSnapshot().metrics);
    await drain();
    const tags = (await Promise.all([gate, ...results])).map((r) =>
      isErr(r) ? r.left._tag : 'ok',
    );
    expect(tags).toEqual([
      'ok',
      'ok',
      'TaskFailed',
      'TaskRejected',
      'TaskRejected',
      'ok',
      'ok',
      'TaskRejected',
      'ok',
    ]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({
      submitted: 8,
      completed: 5,
      failed: 1,
      cancelled: 0,
      dropped: 2,
      rejected: 1,
      queued: 0,
      active: 0,
    });
    expectConserved(m);
    await pool.close();
    expectConserved(pool.getSnapshot().metrics);
  });
});
