/**
 * What anything that takes tasks offers its callers: a pool today; a balancer across pools and
 * a remote pool next. Code that only feeds work and watches results (`through`, a pipeline
 * stage, a test kit) depends on this, not on a pool, so any sink serves it.
 */
import type { Observable } from 'rxjs';
import type { PoolMetrics } from './metrics/metrics.js';
import type { PoolState, TaskOutcome } from './pool/pool-events.js';
import type { SubmitOptions } from './pool/submit-options.js';
import type { TaskResult } from './result.js';
import type { SettleWatch } from './engine/settle-watch.js';

export type { SettleWatch };

/** How to close a sink (a pool: see `Pool.close`). */
export interface CloseOptions {
  /**
   * Cancel queued and running tasks (`TaskCancelled`) instead of letting them finish.
   * @default false
   */
  readonly abort?: boolean;
  /**
   * Drain for at most this long; then cancel what is left, start every worker's teardown and
   * resolve without waiting for the teardowns to finish.
   * @default undefined (drain fully, however long it takes)
   */
  readonly timeoutMs?: number;
  /**
   * Cancel what has not started — queued tasks, submits waiting for room, tasks waiting out a
   * retry delay — with `TaskCancelled` (cause: a `PoolClosedError`), and let running tasks
   * finish (piscina's `close({ force: true })`; p-queue's `clear()` then `onIdle()`).
   * @default false
   */
  readonly cancelQueued?: boolean;
}

/** A sink at one moment: enough to feed it without flooding it. */
export interface SinkSnapshot {
  readonly state: PoolState;
  /** The workers it has asked for (a pool: `size`, or the last resize): what it runs at once, lanes aside. */
  readonly size: number;
  /** When its size changes by itself (a dynamic pool): the bounds it stays within. */
  readonly bounds?: { readonly min: number; readonly max: number };
  readonly metrics: PoolMetrics;
}

/** Anything that takes tasks: submit and run them, watch them settle, close it. */
export interface TaskSink<TInput, TOutput> {
  readonly name: string;
  /** Runs `input`; resolves with `Right(output)` or `Left(TaskError)`. Never rejects. */
  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>>;
  /** Like `submit`, but resolves with the output and rejects with the `TaskError`. */
  run(input: TInput, options?: SubmitOptions): Promise<TOutput>;
  /** Submits many inputs with the same options; resolves with their results in input order. Never rejects. */
  submitMany(inputs: Iterable<TInput>, options?: SubmitOptions): Promise<TaskResult<TOutput>[]>;
  /** Most tasks it holds waiting to start. */
  readonly capacity: number;
  /** The lifecycle state; the current one on subscribe. Completes once the sink is closed. */
  readonly state$: Observable<PoolState>;
  /** One outcome per settled task. Completes once the sink is closed. */
  readonly results$: Observable<TaskOutcome<TOutput>>;
  /** Metric snapshots: one on subscribe, then at an interval. Completes once the sink is closed. */
  readonly metrics$: Observable<PoolMetrics>;
  getSnapshot(): SinkSnapshot;
  /** Resolves when nothing is queued, waiting or running. */
  onIdle(): Promise<void>;
  /** Drains (or aborts) and stops; final. Calling it again returns the same promise. */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Internal, for layers over sinks (the balancer): submits a task whose outcome goes to `settle`,
 * called exactly once and possibly before this returns, instead of to a promise of the sink's.
 * Returns the refusal instead when the task is not admitted (then `settle` is never called).
 * A layer that keeps one promise of its own per task saves the member's promise and the
 * `.then` mapping it: measured, that pair cost a balancer a fifth of a pool's throughput.
 * Sinks without it are fed through `submit`.
 */
export const SUBMIT_WITH: unique symbol = Symbol('troupe.submitWith');

/** A sink that takes {@link SUBMIT_WITH}. */
export interface SettlingSink<TInput, TOutput> {
  [SUBMIT_WITH](
    input: TInput,
    options: SubmitOptions | undefined,
    settle: (result: TaskResult<TOutput>) => void,
  ): TaskResult<TOutput> | undefined;
}

/**
 * Internal, for layers over sinks (the balancer): submits a task the sink tells `watch` of when
 * it settles, before its caller hears. Returns the task's promise, or the refusal when the task
 * is not admitted. The layer hands that promise on as its own, so a task costs it no promise nor
 * object of its own: a balancer over pools then runs at about a pool's speed.
 */
export const SUBMIT_VIA: unique symbol = Symbol('troupe.submitVia');

/** A sink that takes {@link SUBMIT_VIA}. */
export interface WatchedSink<TInput, TOutput> {
  [SUBMIT_VIA](
    input: TInput,
    options: SubmitOptions | undefined,
    watch: SettleWatch,
  ): Promise<TaskResult<TOutput>> | TaskResult<TOutput>;
}
