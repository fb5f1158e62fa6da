import type { Observable } from 'rxjs';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { TaskResult } from '../result.js';
import type { CloseOptions, TaskSink } from '../sink.js';
import type { PoolActorView } from './pool-actor-view.js';
import type { DeadLetter, PoolEvent, PoolState, TaskOutcome } from './pool-events.js';
import type { PoolSnapshot } from './pool-snapshot.js';
import type { SubmitOptions } from './submit-options.js';

/** A running pool of workers: submit tasks, watch its streams, resize and close it. */
export interface Pool<TInput, TOutput> extends TaskSink<TInput, TOutput> {
  readonly name: string;
  /**
   * Starts the workers (from `stopped`, or after `failed`); submits are accepted from now on.
   * No-op when starting or running. Throws `PoolStateError` while closing, and once `close()`
   * has resolved: a closed pool is done for good (create a new one).
   */
  start(): this;
  /** Runs `input` on a worker; resolves with `Right(output)` or `Left(TaskError)`. Never rejects. */
  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>>;
  /**
   * Changes the priority of the task submitted with `{ id }` while it has not started (queued,
   * waiting out a retry delay, or waiting for room under overflow `'wait'`), keeping its place
   * in arrival order: it runs by its new level from now on. Returns `false` when there is no
   * such task yet to run (unknown id, already running or settled). Throws `InvalidOptionError`
   * for a priority that is not a level.
   */
  setPriority(id: string, priority: number): boolean;
  /**
   * Submits many inputs with the same options in one call; resolves with their results in input
   * order once every one has settled. Never rejects. Cheaper per task than `submit` (one promise
   * for the lot). Options may not carry an `id`.
   */
  submitMany(inputs: Iterable<TInput>, options?: SubmitOptions): Promise<TaskResult<TOutput>[]>;
  /** Most tasks the queue holds (`queue.capacity`). */
  readonly capacity: number;
  /** Like `submit`, but resolves with the output and rejects with the `TaskError`. */
  run(input: TInput, options?: SubmitOptions): Promise<TOutput>;
  /**
   * The lifecycle state; emits the current one on subscribe. Completes (after `stopped`) when
   * `close()` resolves; subscribed later, it emits `stopped` and completes.
   */
  readonly state$: Observable<PoolState>;
  /**
   * Lifecycle events: workers started, crashed, stopped; resizes; refusals. The first event a
   * subscriber gets is a `pool.state` with the state now, so one that subscribes after `start()`
   * still knows where the pool is; then every event from then on (it replays nothing else).
   * Completes when `close()` resolves; subscribed later, it emits `pool.state` `stopped` and
   * completes.
   */
  readonly events$: Observable<PoolEvent>;
  /** One outcome per settled task. Costs nothing while nobody subscribes. Completes when `close()` resolves. */
  readonly results$: Observable<TaskOutcome<TOutput>>;
  /** Tasks quarantined because they kept crashing their workers (see `quarantineAfter`). Completes when `close()` resolves. */
  readonly deadLetters$: Observable<DeadLetter<TInput>>;
  /**
   * Metric snapshots: one on subscribe, then every `metrics.intervalMs` (each subscriber has its
   * own timer). When `close()` resolves, each subscriber gets the final snapshot and completes
   * (its timer cleared); subscribed later, it emits the final snapshot and completes.
   */
  readonly metrics$: Observable<PoolMetrics>;
  getSnapshot(): PoolSnapshot;
  /**
   * Resolves when nothing is queued, waiting or running (p-queue's `onIdle`). While the pool is
   * paused, queued tasks keep it pending until `resume()`, `clear()` or a close.
   */
  onIdle(): Promise<void>;
  /**
   * Resolves once fewer than `n` tasks have not started (`queueSize < n`; at once if so already):
   * p-queue's `onSizeLessThan`, piscina's `'drain'`. A producer awaits it before submitting
   * more, for backpressure without `through`. Throws `InvalidOptionError` unless `n >= 1`.
   * @example
   * for (const job of jobs) {
   *   await pool.onSizeLessThan(100);
   *   void pool.submit(job);
   * }
   */
  onSizeLessThan(n: number): Promise<void>;
  /** Resolves once no task waits to start (`queueSize === 0`): p-queue's `onEmpty`. */
  onEmpty(): Promise<void>;
  /**
   * Tasks accepted and not started: queued, plus submits waiting for room (overflow `'wait'`);
   * p-queue's `size`, piscina's `queueSize`. Tasks waiting out a retry delay are not counted.
   * In a batch pool: batches (the items still being gathered are in `metrics.batch`).
   */
  readonly queueSize: number;
  /** Tasks running now: p-queue's `pending`. In a batch pool: batches. */
  readonly pending: number;
  /**
   * Pauses dispatch (p-queue's `pause`): submits are still accepted and queue (capacity and
   * overflow apply), nothing new starts, running tasks finish; a dynamic pool does not grow on
   * its queue meanwhile. Allowed in any state but `closing` (`PoolStateError`); a pool paused
   * before `start()` starts its workers and waits. A close ends the pause. Tells `pool.paused`
   * on `events$`.
   */
  pause(): this;
  /**
   * Resumes dispatch (p-queue's `start`): free workers take queued tasks at once (the rate
   * limit still applies). No-op when not paused. Tells `pool.resumed` on `events$`.
   */
  resume(): this;
  /** Whether dispatch is paused (p-queue's `isPaused`). */
  readonly isPaused: boolean;
  /**
   * Cancels every task not yet started — queued, waiting for room, waiting out a retry delay —
   * with `TaskCancelled` (cause: a `PoolClearedError`); running tasks go on (p-queue's
   * `clear`). Returns how many it cancelled (in a batch pool: batches).
   */
  clear(): number;
  /**
   * Changes the number of workers; resolves when the pool has the latest requested number ready
   * (shrinking waits for busy workers' tasks). Rejects with `PoolStateError` unless starting or
   * running. On a dynamic pool `n` must lie within its bounds (the autoscaler carries on from
   * there), and `resize({ min, max })` sets new bounds (the size moves into them at once).
   */
  resize(size: number | { readonly min?: number; readonly max?: number }): Promise<void>;
  /**
   * Drains (or aborts) and stops every worker; calling it again returns the same promise.
   * `close({ cancelQueued: true })` cancels what has not started and lets running tasks finish;
   * a paused pool resumes to drain. Final: once it resolves, every stream of the pool has
   * completed, no timer of the pool is left (a script ends by itself) and `start()` throws
   * `PoolStateError`.
   */
  close(options?: CloseOptions): Promise<void>;
  /** The pool's XState actor, read-only, for inspection: its snapshots, never its events. */
  readonly actor: PoolActorView;
}
