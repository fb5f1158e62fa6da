/**
 * The scheduling features of `createPool` together, on the virtual clock: a FIFO or priority
 * queue (with aging, a capacity and each overflow policy), a fixed or dynamic size, a rate
 * limit, retries and a timeout, under a random workload of submits, bulk submits, aborts,
 * resizes and time passing. Whatever the mix, every submit settles once, the counters
 * conserve, the rate limit, the size bounds and the concurrency limit hold, and the pool
 * closes leaving no timer behind.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  InvalidOptionError,
  isErr,
  PoolStateError,
  TaskTimedOut,
  type PoolMetrics,
  type TaskContext,
  type TaskResult,
} from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { track, type Tracked } from './support/pool-harness.js';
import { scenarioArb, type Config, type Job, type Step } from './support/scheduling-scenario.js';

/** One worker run (a task's attempt), as the worker saw it. */
interface Run {
  readonly at: number;
  readonly workerId: string;
}

/**
 * Counts overlapping runs. A run is in progress from its start until its promise settles, its
 * deadline passes (the pool leaves a run behind then, even one cancelled before that ignored its
 * signal), or its worker crashes or stops (the pool has given up on that worker and may start
 * another). A fixed pool that shrinks lets its busy workers finish
 * their task, so the runs in progress at a shrink may exceed the new size until they end.
 */
class RunLog {
  readonly runs: Run[] = [];
  readonly #inProgress = new Map<number, string>();
  /** When each run in progress is left behind (its start plus the pool's `timeoutMs`). */
  readonly #deadlines = new Map<number, number>();
  /** Runs that were in progress when a fixed pool shrank. */
  readonly #atShrink = new Set<number>();
  #size: number;
  /** The first start that overlapped more runs than allowed, described. */
  overlap: string | undefined;

  constructor(
    size: number,
    /** A dynamic pool's `max`: it never runs more (`undefined` for a fixed pool). */
    readonly max: number | undefined,
    /** Runs one worker takes at once. */
    readonly lanes: number,
    /** The pool's `timeoutMs` (`Infinity` without). */
    readonly timeoutMs: number,
  ) {
    this.#size = size;
  }

  /** A run starts now; returns its number. */
  start(at: number, workerId: string): number {
    for (const [r, deadline] of this.#deadlines) if (deadline <= at) this.end(r);
    const run = this.runs.push({ at, workerId }) - 1;
    this.#inProgress.set(run, workerId);
    this.#deadlines.set(run, at + this.timeoutMs);
    let held = 0;
    for (const r of this.#inProgress.keys()) if (this.#atShrink.has(r)) held++;
    const allowed = (this.max ?? this.#size) * this.lanes + held;
    if (this.#inProgress.size > allowed && this.overlap === undefined) {
      this.overlap = `${this.#inProgress.size} runs at ${at} ms (allowed ${allowed}): ${[
        ...this.#inProgress.values(),
      ].join(', ')}`;
    }
    return run;
  }

  end(run: number): void {
    this.#inProgress.delete(run);
    this.#deadlines.delete(run);
  }

  /** The pool took `workerId` out of service (crashed, hung or stopped). */
  workerGone(workerId: string): void {
    for (const [run, id] of this.#inProgress) if (id === workerId) this.end(run);
  }

  /** A fixed pool was resized to `size`. */
  resized(size: number): void {
    if (size < this.#size) for (const run of this.#inProgress.keys()) this.#atShrink.add(run);
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  /** The most starts in any half-open window `[t, t + intervalMs)`. */
  busiestWindow(intervalMs: number): number {
    const starts = this.runs.map((r) => r.at).sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (j < starts.length && starts[j]! < starts[i]! + intervalMs) j++;
      most = Math.max(most, j - i);
    }
    return most;
  }
}

const unfinished = (m: PoolMetrics): number => m.queued + m.waiting + m.active + m.retrying;

const tagCount = (results: readonly TaskResult<number>[], tag: string): number =>
  results.filter((r) => (isErr(r) ? r.left._tag : 'ok') === tag).length;

async function play(config: Config, steps: readonly Step[]): Promise<void> {
  const clock = createVirtualClock();
  const dynamic = typeof config.size === 'number' ? undefined : config.size;
  const log = new RunLog(
    dynamic?.min ?? (config.size as number),
    dynamic?.max,
    config.lanes,
    config.timeoutMs ?? Infinity,
  );
  /** Timers of the worker's own, not yet fired. */
  let ownTimers = 0;

  const worker = (job: Job, ctx: TaskContext): number | Promise<number> => {
    const run = log.start(clock.now(), ctx.workerId);
    const { signal } = ctx;
    signal.addEventListener(
      'abort',
      () => {
        if (signal.reason instanceof TaskTimedOut) log.end(run);
      },
      { once: true },
    );
    if (job.kind === 'hang') return new Promise<number>(() => undefined);
    if (job.ms === 0) {
      log.end(run);
      if (job.kind === 'throw') throw new Error(`run ${run} failed`);
      return run;
    }
    ownTimers++;
    return new Promise<number>((resolve, reject) => {
      clock.setTimeout(() => {
        ownTimers--;
        log.end(run);
        if (job.kind === 'ok') resolve(run);
        else reject(new Error(`run ${run} failed`));
      }, job.ms);
    });
  };

  const pool = createPool({
    clock,
    worker: config.lanes === 1 ? worker : fromAsync({ run: worker, concurrency: config.lanes }),
    queue: config.queue,
    size:
      dynamic === undefined
        ? (config.size as number)
        : { ...dynamic, ...(config.target === undefined ? {} : { target: config.target }) },
    ...(dynamic === undefined
      ? {}
      : { metrics: { intervalMs: config.intervalMs, windowMs: 4 * config.intervalMs } }),
    ...(config.rate === undefined ? {} : { rate: config.rate }),
    ...(config.retry === undefined ? {} : { retry: config.retry }),
    ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
    // Keep the pool alive through crashes, and every delay deterministic.
    supervision: { maxRestarts: Infinity, backoff: { minMs: 1, maxMs: 5, jitter: 0 } },
    random: () => 0.5,
  });
  const subscription = pool.events$.subscribe((event) => {
    if (event.type === 'worker.crashed' || event.type === 'worker.stopped') {
      log.workerGone(event.workerId);
    }
  });
  pool.start();

  const levels = config.queue.kind === 'priority' ? config.queue.levels : undefined;
  const singles: Tracked<TaskResult<number>>[] = [];
  const bulks: { readonly n: number; readonly tracked: Tracked<TaskResult<number>[]> }[] = [];
  const controllers: AbortController[] = [];
  const resizes: Tracked<void>[] = [];

  /** At every checkpoint: 2. the counters conserve; 4. a dynamic size stays within its bounds. */
  const check = (): void => {
    const { size, metrics } = pool.getSnapshot();
    expectConserved(metrics);
    if (dynamic === undefined) expect(size).toBe(log.size);
    else {
      expect(size).toBeGreaterThanOrEqual(dynamic.min);
      expect(size).toBeLessThanOrEqual(dynamic.max);
      expect(metrics.workers).toBeLessThanOrEqual(dynamic.max);
    }
  };

  await clock.flush();
  for (const step of steps) {
    switch (step.op) {
      case 'advance':
        await clock.advance(step.ms);
        break;
      case 'submit': {
        let signal: AbortSignal | undefined;
        if (step.signal) {
          const controller = new AbortController();
          controllers.push(controller);
          signal = controller.signal;
        }
        const priority =
          levels === undefined || step.priority === undefined ? undefined : step.priority % levels;
        const options = {
          ...(priority === undefined ? {} : { priority }),
          ...(signal === undefined ? {} : { signal }),
        };
        singles.push(track(pool.submit(step.job, options)));
        break;
      }
      case 'submitMany':
        bulks.push({ n: step.jobs.length, tracked: track(pool.submitMany(step.jobs)) });
        break;
      case 'abort':
        controllers[step.which % Math.max(1, controllers.length)]?.abort(new Error('aborted'));
        break;
      case 'resize':
        if (dynamic !== undefined) break;
        try {
          resizes.push(track(pool.resize(step.size)));
          log.resized(step.size);
        } catch (error) {
          if (!(error instanceof InvalidOptionError)) throw error;
        }
        break;
    }
    await clock.flush();
    check();
  }

  // Drain: at worst every attempt runs to its timeout, one at a time, throttled.
  for (let i = 0; i < 2_000 && unfinished(pool.getSnapshot().metrics) > 0; i++) {
    await clock.advance(25);
    check();
  }
  const metrics = pool.getSnapshot().metrics;
  expect(unfinished(metrics)).toBe(0);

  // 1. Every submit resolved exactly once, never rejected; bulk results match their inputs.
  for (const t of [...singles, ...bulks.map((b) => b.tracked)]) {
    expect([t.settled, t.rejected]).toEqual([1, false]);
  }
  for (const { n, tracked } of bulks) expect(tracked.value).toHaveLength(n);
  const results = [...singles.map((t) => t.value!), ...bulks.flatMap((b) => b.tracked.value ?? [])];
  // Each outcome is counted where it belongs.
  expect(results).toHaveLength(metrics.submitted + metrics.rejected);
  expect(tagCount(results, 'ok')).toBe(metrics.completed);
  expect(tagCount(results, 'TaskFailed')).toBe(metrics.failed);
  expect(tagCount(results, 'TaskTimedOut')).toBe(metrics.timedOut);
  expect(tagCount(results, 'WorkerCrashed')).toBe(metrics.crashed);
  expect(tagCount(results, 'TaskRejected') + tagCount(results, 'TaskCancelled')).toBe(
    metrics.rejected + metrics.dropped + metrics.cancelled,
  );

  // 3. The rate limit: no window of `intervalMs` holds more than `limit` starts.
  if (config.rate !== undefined) {
    expect(log.busiestWindow(config.rate.intervalMs)).toBeLessThanOrEqual(config.rate.limit);
  }
  // 5. Never more runs at once than the pool's size (or max).
  expect(log.overlap).toBeUndefined();

  // 6. Close: no timer of the pool's left behind (only the worker's own), and stopped.
  const closing = track(pool.close());
  for (let i = 0; i < 100 && closing.settled === 0; i++) await clock.advance(10);
  expect([closing.settled, closing.rejected]).toEqual([1, false]);
  expect(pool.getSnapshot().state).toBe('stopped');
  expect(clock.pending()).toBe(ownTimers);
  await clock.advance(30);
  expect(clock.pending()).toBe(0);
  expect(pool.getSnapshot().state).toBe('stopped');
  expectConserved(pool.getSnapshot().metrics);
  subscription.unsubscribe();

  // Resizes settle: done, or refused because the pool stopped first.
  for (const r of resizes) {
    expect(r.settled).toBe(1);
    if (r.rejected) expect(r.error).toBeInstanceOf(PoolStateError);
  }
}

describe('scheduling features combined', () => {
  it('queue, size, rate, retry and timeout keep their invariants together', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ([config, steps]) => play(config, steps)),
      { numRuns: 60 },
    );
  });
});
