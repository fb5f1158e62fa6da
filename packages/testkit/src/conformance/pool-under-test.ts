import type { InspectionEvent } from 'xstate';
import {
  PoolStateError,
  type CloseOptions,
  type Pool,
  type PoolState,
  type TaskResult,
} from '@troupe/core';
import type { TestTask } from '../behaviour.js';
import type { WorkerLogic } from '@troupe/core';
import { seededRandom } from '../seeded-random.js';
import { createTestClock, type TestClock } from '../test-clock.js';
import {
  poolShape,
  type CheckedPoolOptions,
  type MakePool,
  type PoolShape,
} from './pool-config.js';
import { observePool } from './pool-observer.js';
import { RestartWatch } from './restart-watch.js';
import { RunWatch } from './run-watch.js';
import { CrashedByTestError, scriptedWorker, type Crashers } from './scripted-worker.js';
import {
  outcomeProblem,
  TaskRecord,
  track,
  type Happenings,
  type TaskSpec,
  type Tracked,
} from './task-record.js';
import { describeError, Violation, type Guarantee } from './violation.js';

/** A resize asked of the pool, and whether the pool had to refuse it. */
export interface AskedResize {
  readonly size: number;
  readonly promise: Tracked<void>;
  readonly mustRefuse: boolean;
}

/**
 * One run of a conformance check: the pool the user's `makePool` made, on a fresh test clock,
 * with the test kit's worker; what the steps did to it and everything seen of it. The steps
 * act through its methods; `check` (after each step) and `finish` (at the end) throw the first
 * {@link Violation} found.
 */
export class PoolUnderTest {
  readonly clock: TestClock;
  readonly worker: WorkerLogic<TestTask, number, undefined>;
  #pool: Pool<TestTask, number> | undefined;
  readonly shape: PoolShape;
  /** Accepted tasks, by their submit `id`, and in order. */
  readonly tasks = new Map<string, TaskRecord>();
  readonly accepted: TaskRecord[] = [];
  /** Submits refused at the door. */
  readonly doors: Tracked<TaskResult<number>>[] = [];
  readonly closes: Tracked<void>[] = [];
  readonly resizes: AskedResize[] = [];
  readonly crashers: Crashers = new Map();
  readonly runs = new RunWatch();
  readonly restarts: RestartWatch;
  /** Timers the behaviours set (not the pool's). */
  readonly ownTimers = new Set<unknown>();
  readonly happened: { -readonly [K in keyof Happenings]: Happenings[K] };
  state: PoolState = 'stopped';
  /** The size asked for: the option, then the last resize while starting or running. */
  size: number;
  closeCalled = false;
  #nextId = 1;
  readonly #problems: Violation[] = [];

  /**
   * A pool under test made by `make` (with the test kit's worker, clock and randomness), or —
   * with `attach` later — the handle of a pool made elsewhere (a system's) with `worker`.
   */
  constructor(
    readonly options: CheckedPoolOptions,
    readonly randomSeed: number,
    clock: TestClock = createTestClock(),
  ) {
    this.clock = clock;
    this.shape = poolShape(options);
    this.size = this.shape.size;
    this.happened = {
      crashed: false,
      closedHard: false,
      closed: false,
      failed: false,
      overflow: this.shape.overflow,
    };
    this.restarts = new RestartWatch(
      this.shape.maxRestarts,
      this.shape.withinMs,
      this.shape.restartType !== 'temporary',
    );
    this.worker = scriptedWorker(
      this.clock,
      {
        started: (task, ctx) => this.#started(task, ctx.workerId),
        timer: (handle) => this.ownTimers.add(handle),
      },
      this.crashers,
    );
  }

  /** Makes the pool with `make` and watches it. */
  static make(
    make: MakePool,
    options: CheckedPoolOptions,
    randomSeed: number,
    inspect?: (event: InspectionEvent) => void,
  ): PoolUnderTest {
    const put = new PoolUnderTest(options, randomSeed);
    put.attach(
      make({
        ...options,
        worker: put.worker,
        clock: put.clock,
        random: seededRandom(randomSeed),
        ...(inspect === undefined ? {} : { inspect }),
      }),
    );
    return put;
  }

  /** Watches `pool` (made with this harness's `worker` and `clock`) from now on. */
  attach(pool: Pool<TestTask, number>): this {
    this.#pool = pool;
    observePool(this);
    return this;
  }

  get pool(): Pool<TestTask, number> {
    if (this.#pool === undefined) throw new Error('PoolUnderTest: no pool attached yet');
    return this.#pool;
  }

  /** Notes a broken promise; the next `check` throws it. */
  problem(guarantee: Guarantee, detail: string): void {
    this.#problems.push(new Violation(guarantee, detail, this.clock.now()));
  }

  /**
   * Judges the outcomes that came since the last call against what had happened by now: a
   * pool tells why it cancels (`pool.failed`, its state) only after cancelling.
   */
  judgeOutcomes(): void {
    for (const rec of this.accepted) {
      if (rec.outcome === undefined || rec.judged) continue;
      rec.judged = true;
      const bad = outcomeProblem(rec, rec.outcome, this.happened);
      if (bad !== undefined) this.problem('outcome', bad);
    }
  }

  /** Throws the first problem noted, if any. */
  throwIfProblem(): void {
    const first = this.#problems[0];
    if (first !== undefined) throw first;
  }

  get running(): boolean {
    return this.state === 'starting' || this.state === 'running';
  }

  /** Closed for good: `close()` was called and the pool reached `stopped`. */
  get closed(): boolean {
    return this.closeCalled && this.state === 'stopped';
  }

  #started(task: TestTask, workerId: string): () => void {
    const rec = this.tasks.get(`t${task.id}`);
    if (rec === undefined)
      this.problem('settles-once', `task ${task.id} ran, but was never accepted`);
    else if (rec.outcome !== undefined)
      this.problem('settles-once', `${rec.describe()} started again after it settled`);
    const bound = this.shape.fixed ? this.size : this.shape.max;
    const { end, problem } = this.runs.start(task.id, workerId, bound);
    if (problem !== undefined) this.problem('concurrency', problem);
    return end;
  }

  // ---- what the steps do ------------------------------------------------------------------

  start(): void {
    const mustThrow = this.state === 'closing' || this.closed;
    try {
      this.pool.start();
      if (mustThrow)
        this.problem(
          'api',
          `start() while ${this.closed ? 'closed for good' : this.state} did not throw PoolStateError`,
        );
    } catch (error) {
      if (!mustThrow || !(error instanceof PoolStateError))
        this.problem('api', `start() while ${this.state} threw ${String(error)}`);
    }
  }

  submit(spec: TaskSpec): void {
    const rec = new TaskRecord(this.#nextId++, spec, spec.timeoutMs ?? this.shape.timeoutMs);
    const state = this.state;
    this.tasks.set(rec.key, rec);
    const before = this.pool.getSnapshot().metrics.submitted;
    let promise: Promise<TaskResult<number>>;
    try {
      promise = this.pool.submit(rec.task, rec.options());
    } catch (error) {
      this.tasks.delete(rec.key);
      this.problem('api', `submit threw ${String(error)}: it never throws`);
      return;
    }
    if (this.pool.getSnapshot().metrics.submitted === before + 1) {
      rec.promise = track(promise);
      this.accepted.push(rec);
      if (state !== 'starting' && state !== 'running')
        this.problem('api', `${rec.describe()} was accepted while the pool was ${state}`);
    } else {
      if (rec.emissions === 0) this.tasks.delete(rec.key);
      this.doors.push(track(promise));
    }
  }

  abort(index: number): void {
    const abortable = this.accepted.filter(
      (r) => r.controller !== undefined && r.outcome === undefined && !r.aborted,
    );
    const rec = abortable[index % Math.max(1, abortable.length)];
    if (rec === undefined) return;
    rec.aborted = true;
    rec.controller?.abort(rec.reason);
  }

  resize(size: number): void {
    const mustRefuse = !this.running;
    if (!mustRefuse && this.shape.fixed) {
      this.runs.resized();
      this.size = size;
    }
    try {
      this.resizes.push({ size, promise: track(this.pool.resize(size)), mustRefuse });
    } catch (error) {
      this.problem('api', `resize(${size}) threw ${String(error)} instead of returning a promise`);
    }
  }

  crash(index: number): void {
    const workers = [...this.crashers.keys()].sort();
    const id = workers[index % Math.max(1, workers.length)];
    if (id === undefined) return;
    this.happened.crashed = true;
    this.crashers.get(id)?.(new CrashedByTestError(id));
  }

  /** Closes the pool; the promise, unless `close` threw. */
  close(options: CloseOptions): Promise<void> | undefined {
    this.closeCalled = true;
    this.happened.closed = true;
    if (options.abort === true || options.timeoutMs !== undefined) this.happened.closedHard = true;
    try {
      const closing = this.pool.close(options);
      this.closes.push(track(closing));
      return closing;
    } catch (error) {
      this.problem('api', `close(${JSON.stringify(options)}) threw ${String(error)}`);
      return undefined;
    }
  }

  /** Moves time; a timer that throws (nobody could catch it) is a defect. */
  async advance(ms: number): Promise<void> {
    try {
      await this.clock.advance(ms);
    } catch (error) {
      this.problem('defect', `a timer threw ${describeError(error)}`);
    }
  }
}
