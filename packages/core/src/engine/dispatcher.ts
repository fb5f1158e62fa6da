import { Subject } from 'rxjs';
import type { MetricsRecorder } from '../metrics/metrics.js';
import type { PoolConfig } from '../pool/options.js';
import type { PoolEvent, TaskOutcome } from '../pool/pool-events.js';
import type { SubmitOptions } from '../pool/submit-options.js';
import type { TaskResult } from '../result.js';
import type { SettleWatch } from './settle-watch.js';
import type { RateLimiter } from '../scheduling/rate-limiter.js';
import type { DeadlineHeap } from '../time/deadline-heap.js';
import type { TaskTracing } from '../tracing/task-tracing.js';
import { LaneRunner } from './lane-runner.js';
import type { Backlog } from './backlog.js';
import { Door, EVICT, HAS_ROOM, refused, Refusal, WAIT, type Room } from './door.js';
import type { Failures } from './failures.js';
import type { Growth } from './growth.js';
import type { Occupancy } from './occupancy.js';
import { promiseFor } from './promise-for.js';
import type { EngineParts, TaskPath } from './task-path.js';
import { RetryEntry, Task, TaskState, watched, type TaskExtras, type Ticks } from './task.js';
import type { Waiters } from './waiters.js';
import type { WorkerRoster } from './worker-roster.js';
import type { Lane, Slot } from './worker-slot.js';

/** What `Dispatcher.gate` holds while dispatch is paused. */
const PAUSED = Symbol('paused');

/** The parts the dispatcher hands tasks to, made around it (see `createEngine`). */
export interface DispatcherParts {
  readonly door: Door;
  readonly occupancy: Occupancy;
  readonly failures: Failures;
  readonly waiters: Waiters;
  /** A dynamic pool's sizing; `undefined` for a fixed pool. */
  readonly growth: Growth | undefined;
}

/**
 * The path of a task, in one place: `admit` (through the `Door`) → `place` on an idle lane or in
 * the `Backlog` → `start` on a lane → `finish` / `settleRun` → `settle`, and the lane `pump`s the
 * next queued task. Everything else — how workers go idle and busy, retries, timeouts, sizing,
 * workers joining and leaving — is a part it hands to. Nothing here sends an actor event per task.
 */
export class Dispatcher implements TaskPath {
  readonly results$ = new Subject<TaskOutcome<unknown>>();
  readonly config: PoolConfig<unknown, unknown>;
  readonly metrics: MetricsRecorder;
  readonly backlog: Backlog;
  readonly roster: WorkerRoster;
  readonly timers: DeadlineHeap<Slot | RetryEntry | RateLimiter>;
  readonly events$: Subject<PoolEvent>;
  /** Runs tasks on lanes and takes their answers. */
  readonly runner: LaneRunner;
  door!: Door;
  occupancy!: Occupancy;
  failures!: Failures;
  waiters!: Waiters;
  growth: Growth | undefined;
  /** The limit on task starts (`rate`), if any. */
  readonly limiter: RateLimiter | undefined;
  /**
   * What may hold task starts back: the rate limit, `PAUSED`, or nothing. One field for both, so
   * a pool with neither asks one question per start (`mayStart` tells them apart).
   */
  #gate: RateLimiter | typeof PAUSED | undefined;
  #nextTaskId = 0;
  /** The pool's tracing (`tracing` option), decided at creation: `undefined` costs one check a submit and a settle. */
  readonly #tracing: TaskTracing | undefined;
  /** Clock time that task timestamps (`Ticks`) count from. */
  readonly #epoch: number;

  constructor(parts: EngineParts, limiter: RateLimiter | undefined) {
    this.config = parts.config;
    this.metrics = parts.metrics;
    this.backlog = parts.backlog;
    this.roster = parts.roster;
    this.timers = parts.timers;
    this.events$ = parts.events$;
    this.limiter = limiter;
    this.#gate = limiter;
    this.#epoch = parts.config.clock.now();
    this.#tracing = parts.config.tracing;
    this.runner = new LaneRunner(this);
  }

  /** Joins the parts made around it (they need the dispatcher first). */
  join(parts: DispatcherParts): void {
    ({
      door: this.door,
      occupancy: this.occupancy,
      failures: this.failures,
      waiters: this.waiters,
      growth: this.growth,
    } = parts);
    this.runner.join(parts.occupancy, parts.failures, parts.waiters);
  }

  /** Admits a task; resolves with its one outcome. Never throws, never rejects. */
  submit(input: unknown, options?: SubmitOptions): Promise<TaskResult<unknown>> {
    return this.admit(input, options, false) as Promise<TaskResult<unknown>>;
  }

  /** Admits a task; resolves with its output, rejects with its TaskError. Never throws. */
  run(input: unknown, options?: SubmitOptions): Promise<unknown> {
    return this.admit(input, options, true) as Promise<unknown>;
  }

  /**
   * `submit` (`how` false), `run` (true) and `SUBMIT_WITH` (a settle callback): through the door,
   * then placed. Returns the task's promise; with a callback, nothing when admitted and the
   * refusal when not.
   */
  admit(
    input: unknown,
    options: SubmitOptions | undefined,
    how: boolean | ((result: TaskResult<unknown>) => void),
    watch?: SettleWatch,
  ): Promise<unknown> | TaskResult<never> | undefined {
    const door = this.door;
    let extras: TaskExtras | undefined;
    if (options !== undefined && door.accepting) {
      const read = door.readOptions(options);
      if (read instanceof Refusal)
        return typeof how === 'function' || watch !== undefined
          ? read.result
          : refused(read.result, how);
      extras = read;
    }
    if (watch !== undefined) extras = watched(extras, watch);
    // The common case asks the door one question: open, nothing to read, room in the queue.
    const room =
      options === undefined && door.accepting && !this.backlog.full
        ? HAS_ROOM
        : door.admission(extras);
    if (typeof room !== 'number')
      return typeof how === 'function' || watch !== undefined ? room : refused(room, how);
    const now = this.config.clock.now();
    const task = new Task(++this.#nextTaskId, input, this.tick(now), extras);
    let promise: Promise<unknown> | undefined;
    if (typeof how === 'function') task.resolve = how;
    else promise = promiseFor(task, how);
    this.place(task, room, now);
    return promise;
  }

  /** An admitted task goes to an idle lane, the queue, or the wait list. */
  place(task: Task, room: Room, now: number): void {
    this.metrics.submitted++;
    // (Shared extras carry neither a signal nor an id: nothing for the door to remember.)
    if (task.x !== undefined && !task.x.shared) this.door.remember(task);
    if (this.#tracing !== undefined) this.#tracing.submitted(task, now);
    // (A full queue's overflow, out of line: this is inlined into `submit`.)
    if (room !== HAS_ROOM) return this.#placeOverflow(task, room);
    if (this.roster.idle.length > 0 && this.metrics.queued === 0 && this.mayStart(now)) {
      const lane = this.roster.idle.pop()!;
      if (this.runner.start(lane, task, now)) this.pump(lane, this.runner.settledAt);
    } else {
      // (Free lanes beside queued tasks means the rate limit holds them: queue behind them.)
      this.backlog.enqueue(task);
      if (this.growth !== undefined) this.growth.demand();
    }
  }

  /** A task admitted into a full queue: it waits for room, or the oldest queued task makes room. */
  #placeOverflow(task: Task, room: Room): void {
    if (room === WAIT) this.backlog.wait(task);
    else {
      this.backlog.enqueue(task);
      // Evict after queueing the newcomer, so that the pool never looks idle in between.
      if (room === EVICT) this.door.dropOldest();
    }
    if (this.growth !== undefined) this.growth.demand();
  }

  /** The free `lane` takes queued tasks (from time `now`) until the queue is empty or it is busy. */
  pump(lane: Lane, now: number): void {
    const runner = this.runner;
    for (;;) {
      // Read per task: a synchronous task may pause the pool.
      if (
        this.#gate !== undefined &&
        (this.metrics.queued > 0 || this.metrics.waiting > 0) &&
        !this.mayStart(now)
      ) {
        return this.occupancy.park(lane, now);
      }
      const task = this.backlog.next();
      if (task === undefined) return this.occupancy.park(lane, now);
      if (!runner.start(lane, task, now)) return;
      now = runner.settledAt;
    }
  }

  /** Gives a task its one outcome. */
  settle(task: Task, result: TaskResult<unknown>): void {
    // (Told before the state changes: tracing reads where the task ended, running or waiting.)
    if (this.#tracing !== undefined) this.#tracing.settled(task, result);
    task.state = TaskState.done;
    const reject = task.reject;
    if (task.x !== undefined && this.#handOver(task, result)) {
      // Taken over by its watch (a balancer routes it elsewhere).
    } else if (reject === undefined) task.resolve(result);
    else if (result._tag === 'Right') (task.resolve as (value: unknown) => void)(result.right);
    else reject(result.left);
    if (this.results$.observed) this.#publish(task, result);
    if (this.waiters.watched) this.waiters.check();
  }

  /** A task with extras settles: the door forgets it, its watch (if any) hears first and may take it over. */
  #handOver(task: Task, result: TaskResult<unknown>): boolean {
    const x = task.x!;
    if (!x.shared) this.door.forget(task);
    const watch = x.watch;
    return (
      watch !== undefined &&
      watch.settled(task.input, result, task.resolve as (result: unknown) => void)
    );
  }

  /** Out of line: `settle` is inlined into the run loop, whose inlining budget is tight. */
  #publish(task: Task, result: TaskResult<unknown>): void {
    this.results$.next({ taskId: task.id, id: task.x?.id, result });
  }

  /**
   * Whether a start is allowed at `now`: never while paused; else as the rate limit says
   * (taking a start). When the rate limit holds, the pool wakes up when it allows the next.
   */
  mayStart(now: number): boolean {
    const gate = this.#gate;
    if (gate === undefined) return true;
    if (gate === PAUSED) return false;
    // Stamped with the clock now, not the (earlier) time the previous task settled: a quota
    // counts the starts as the outside world sees them.
    now = this.config.clock.now();
    if (gate.tryTake(now)) return true;
    const at = gate.throttled(now);
    if (gate.heapIndex < 0) {
      gate.deadline = at;
      this.timers.add(gate);
    }
    return false;
  }

  /** Free lanes take the tasks that came back to the queue (`resume()` does, while paused). */
  resumeQueue(): void {
    if (this.#gate === PAUSED) return;
    const now = this.config.clock.now();
    const idle = this.roster.idle;
    while (idle.length > 0 && this.metrics.queued > 0) this.pump(idle.pop()!, now);
    if (this.metrics.queued > 0 && this.growth !== undefined) this.growth.demand();
    if (this.waiters.watched) this.waiters.check();
  }

  get isPaused(): boolean {
    return this.#gate === PAUSED;
  }

  /** Holds every start (`pause()`); `false` when already paused. */
  holdStarts(): boolean {
    if (this.#gate === PAUSED) return false;
    this.#gate = PAUSED;
    return true;
  }

  /** Lifts the pause (starts are the rate limit's again); `false` when not paused. */
  releaseStarts(): boolean {
    if (this.#gate !== PAUSED) return false;
    this.#gate = this.limiter;
    return true;
  }

  reserveIds(n: number): number {
    const first = this.#nextTaskId + 1;
    this.#nextTaskId += n;
    return first;
  }

  /**
   * A clock time as a task timestamp (see `Ticks`: 1024 a millisecond, written out because a
   * constant imported from another module costs a load per call on the per-task path).
   */
  tick(now: number): Ticks {
    return Math.round((now - this.#epoch) * 1024);
  }

  time(ticks: Ticks): number {
    return ticks / 1024 + this.#epoch;
  }
}
