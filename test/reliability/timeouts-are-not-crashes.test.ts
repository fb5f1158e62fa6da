/**
 * A timeout fails its task, not its worker: with the README's settings (4 workers, `timeoutMs`,
 * one-for-one with at most 5 restarts in 10 s, 3 attempts) and 1% of runs hanging, 100 000 tasks
 * all settle and the pool stays `running`, no worker restarted. A run past its deadline is left
 * behind: its signal aborts, its lane takes the next task at once (its worker's setup is not run
 * again), and what it answers later is dropped. `supervision.timeouts: 'crash-worker'` brings
 * back crashes for workers a hang leaves truly stuck: then hangs count towards the limit.
 * Virtual clock throughout.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  InvalidOptionError,
  isOk,
  type PoolState,
  type TaskContext,
  type TaskResult,
  type TimeoutHandling,
} from '@troupe/core';
import { conservationProblem, ofType, recordEvents, seeded, tagOf } from './support/observe.js';

const N = 100_000;
const TIMEOUT_MS = 5_000;
const ATTEMPTS = 3;
/** The README's example, but for a queue that makes a submit wait for room instead of refusing it. */
const readme = (timeouts?: TimeoutHandling) =>
  ({
    size: 4,
    queue: { capacity: 10_000, overflow: 'wait' },
    timeoutMs: TIMEOUT_MS,
    supervision: {
      strategy: 'one-for-one',
      maxRestarts: 5,
      withinMs: 10_000,
      ...(timeouts === undefined ? {} : { timeouts }),
    },
    retry: { attempts: ATTEMPTS },
  }) as const;

/** Which runs hang: one flag per task id (1..n) and attempt (1..ATTEMPTS), 1% of them. */
function hangScript(n: number): Uint8Array {
  const random = seeded(13_02);
  const hangs = new Uint8Array((n + 1) * ATTEMPTS);
  for (let i = ATTEMPTS; i < hangs.length; i++) hangs[i] = random() < 0.01 ? 1 : 0;
  return hangs;
}

/**
 * A fetcher: answers its task id at once, unless the run hangs. Of the hung runs, odd tasks
 * reject when their signal aborts (a late answer, dropped); even ones ignore it and never settle.
 */
function fetcher(hangs: Uint8Array, setups: { count: number }) {
  return fromAsync({
    setup: () => ++setups.count,
    run: (id: number, ctx: TaskContext<number>): Promise<number> => {
      if (hangs[id * ATTEMPTS + ctx.attempt - 1] === 0) return Promise.resolve(id);
      if ((id & 1) === 0) return new Promise<number>(() => undefined);
      const { signal } = ctx;
      return new Promise<number>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
      );
    },
  });
}

describe(`timeouts are not crashes: the README's settings, ${N} tasks, 1% of runs hang`, () => {
  it('every task settles exactly once, the pool stays running, no worker restarts', async () => {
    const hangs = hangScript(N);
    // What each task must end with, and how many runs hang in all.
    let hungRuns = 0;
    let lateRuns = 0;
    let timedOutTasks = 0;
    for (let id = 1; id <= N; id++) {
      let attempt = 1;
      while (attempt <= ATTEMPTS && hangs[id * ATTEMPTS + attempt - 1] === 1) {
        hungRuns++;
        if ((id & 1) === 1) lateRuns++;
        attempt++;
      }
      if (attempt > ATTEMPTS) timedOutTasks++;
    }
    const clock = createVirtualClock();
    const setups = { count: 0 };
    const pool = createPool({ ...readme(), worker: fetcher(hangs, setups), clock });
    const seen = recordEvents(pool, clock);
    const states: PoolState[] = [];
    pool.state$.subscribe((state) => states.push(state));
    const emitted = new Uint8Array(N + 1);
    const resolved = new Uint8Array(N + 1);
    const problems: string[] = [];
    let settled = 0;
    pool.results$.subscribe(({ taskId, result }) => {
      emitted[taskId] = Math.min(255, emitted[taskId]! + 1);
      settled++;
      const timedOut = hangs
        .subarray(taskId * ATTEMPTS, (taskId + 1) * ATTEMPTS)
        .every((h) => h === 1);
      const fine = timedOut
        ? tagOf(result) === 'TaskTimedOut'
        : isOk(result) && result.right === taskId;
      if (!fine) problems.push(`task ${taskId}: ${tagOf(result)}`);
    });
    const submit = (id: number): void => {
      pool.submit(id).then(
        () => (resolved[id] = Math.min(255, resolved[id]! + 1)),
        (error: unknown) => problems.push(`task ${id}: submit rejected with ${String(error)}`),
      );
    };

    pool.start();
    let next = 1;
    for (let steps = 0; (settled < N || next <= N) && steps < 2_000; steps++) {
      for (const end = Math.min(N, next + 10_000 - 1); next <= end; next++) submit(next);
      await clock.advance(TIMEOUT_MS);
    }
    await clock.flush();

    expect(problems.slice(0, 10)).toEqual([]);
    expect(settled).toBe(N);
    let unsettled = 0;
    for (let id = 1; id <= N; id++) if (emitted[id] !== 1 || resolved[id] !== 1) unsettled++;
    expect(unsettled, 'tasks without exactly one outcome and one promise settlement').toBe(0);
    expect(states).toEqual(['stopped', 'starting', 'running']);

    const snap = pool.getSnapshot();
    const m = snap.metrics;
    expect(conservationProblem(m)).toBeUndefined();
    expect(hungRuns).toBeGreaterThan(900);
    expect({
      submitted: m.submitted,
      completed: m.completed,
      timedOut: m.timedOut,
      hangs: m.hangs,
      retries: m.retries,
      late: m.late,
      crashes: m.crashes,
      restarts: m.restarts,
      replaced: m.replaced,
      quarantined: m.quarantined,
      workers: m.workers,
    }).toEqual({
      submitted: N,
      completed: N - timedOutTasks,
      timedOut: timedOutTasks,
      hangs: hungRuns,
      retries: hungRuns - timedOutTasks,
      late: lateRuns,
      crashes: 0,
      restarts: 0,
      replaced: 0,
      quarantined: 0,
      workers: 4,
    });
    expect(ofType(seen, 'worker.crashed')).toEqual([]);
    expect(ofType(seen, 'task.timed-out')).toHaveLength(hungRuns);
    expect(setups.count, 'each worker set up once').toBe(4);
    expect(snap.workers.map((w) => [w.id, w.state])).toEqual([
      ['pool-w1', 'idle'],
      ['pool-w2', 'idle'],
      ['pool-w3', 'idle'],
      ['pool-w4', 'idle'],
    ]);
    await pool.close();
    expect(pool.getSnapshot().state).toBe('stopped');
  }, 30_000);

  it("with timeouts: 'crash-worker', every hang crashes its worker: the pool fails, every task still settles once", async () => {
    const n = 10_000;
    const hangs = hangScript(n);
    const clock = createVirtualClock();
    const pool = createPool({
      ...readme('crash-worker'),
      worker: fetcher(hangs, { count: 0 }),
      clock,
    });
    const seen = recordEvents(pool, clock);
    const results: (TaskResult<number> | undefined)[] = [];
    pool.start();
    const all = Array.from({ length: n }, (_, i) =>
      pool.submit(i + 1).then((r) => (results[i] = r)),
    );
    for (let i = 0; i < 10 && pool.getSnapshot().state !== 'failed'; i++) {
      await clock.advance(TIMEOUT_MS);
    }
    await clock.flush();
    await Promise.all(all);

    const snap = pool.getSnapshot();
    expect(snap.state).toBe('failed');
    expect(snap.failure).toMatchObject({ restarts: 6, withinMs: 10_000 });
    expect(results.filter((r) => r !== undefined)).toHaveLength(n);
    expect(results.some((r) => tagOf(r) === 'TaskRejected')).toBe(true);
    const m = snap.metrics;
    expect(conservationProblem(m)).toBeUndefined();
    expect(m.hangs).toBeGreaterThanOrEqual(6);
    expect(ofType(seen, 'worker.crashed').length).toBe(m.hangs);
    await pool.close();
  });
});

describe('a run past its timeout, in process', () => {
  it('ignores its signal: its lane takes the next task at once, its worker kept; its late answer is dropped', async () => {
    const clock = createVirtualClock();
    let setups = 0;
    const runs: [string, number, string][] = [];
    const pool = createPool({
      worker: fromAsync({
        setup: () => ++setups,
        run: (job: string, ctx: TaskContext<number>) => {
          runs.push([job, ctx.attempt, ctx.workerId]);
          // The first run of 'stuck' ignores its signal and answers long after its deadline;
          // its retry, on the same lane, answers in time.
          const ms = job === 'stuck' && ctx.attempt === 1 ? 150 : 30;
          return new Promise<string>((resolve) =>
            clock.setTimeout(() => resolve(`${job} ${ctx.attempt}`), ms),
          );
        },
      }),
      size: 1,
      clock,
      timeoutMs: 100,
      retry: { attempts: 2, backoff: { minMs: 10, maxMs: 10, jitter: 0 } },
    });
    const seen = recordEvents(pool, clock);
    pool.start();
    await clock.flush();
    const stuck = pool.submit('stuck');
    const next = pool.submit('next');
    await clock.advance(100); // stuck times out: next starts now on the same worker
    expect(runs).toEqual([
      ['stuck', 1, 'pool-w1'],
      ['next', 1, 'pool-w1'],
    ]);
    await clock.advance(30); // next done at 130; the retry of stuck starts at 130
    await clock.advance(30); // the abandoned first run answers at 150: dropped
    await clock.advance(30);
    expect(tagOf(await next)).toBe('ok');
    const result = await stuck;
    expect(isOk(result) && result.right).toBe('stuck 2');
    expect(runs.at(-1)).toEqual(['stuck', 2, 'pool-w1']);
    const m = pool.getSnapshot().metrics;
    expect([m.hangs, m.late, m.retries, m.restarts, m.replaced, m.crashes]).toEqual([
      1, 1, 1, 0, 0, 0,
    ]);
    expect(setups).toBe(1);
    const strays = ofType(seen, 'task.stray-answer');
    expect(strays.map((s) => [s.at, s.event.taskId])).toEqual([[150, 1]]);
    expect(ofType(seen, 'task.timed-out').map((s) => [s.at, s.event.taskId])).toEqual([[100, 1]]);
    await pool.close();
  });

  it('rejects a timeouts option that is not one of its values', () => {
    const make = () =>
      createPool({
        worker: (n: number) => n,
        supervision: { timeouts: 'crash' as TimeoutHandling },
      });
    expect(make).toThrow(InvalidOptionError);
    expect(make).toThrow(
      `invalid option \`supervision.timeouts\`: got "crash"; allowed: 'fail-task' | 'crash-worker'`,
    );
  });
});
