/**
 * What the pool handle asks of the engine that runs its tasks: the narrow face the handle and
 * its parts (streams, close, resize, snapshot, the autoscaler's port) are written against, so
 * that the engine behind it can change without them. The pool machine's face of the same
 * engine is `PoolEffects`; the batcher's is `BatchTarget`.
 */
import type { Subject } from 'rxjs';
import type { RejectReason } from '../errors.js';
import type { Histogram } from '../metrics/histogram.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { TaskResult } from '../result.js';
import type { SettleWatch } from '../engine/settle-watch.js';
import type { DeadLetter, PoolEvent, TaskOutcome } from './pool-events.js';
import type { SubmitOptions } from './submit-options.js';
import type { WorkerSnapshot } from '../engine/worker-roster.js';
import type { ScaleRequest } from '../engine/growth.js';

export type { ScaleRequest };

/** The engine's metric counters, as the handle reads them. */
export interface EngineMetrics {
  /** A snapshot at `now` (it also records a window sample). */
  snapshot(now: number): PoolMetrics;
  /** Queue waits since the autoscaler last looked (pools scaling by queue wait only). */
  readonly recentWait: Histogram | undefined;
}

/** The engine as the pool handle drives it. */
export interface PoolEngine<TInput, TOutput> {
  // ---- tasks (the hot path: the handle forwards each call as it is) ---------------------------
  /**
   * The task path itself, untyped: the handle calls it directly, so a submit costs no forwarding
   * call (it measured a few per cent of in-process throughput). `submit` and `run` below are the
   * same, typed.
   */
  readonly tasks: {
    submit(input: unknown, options?: SubmitOptions): Promise<TaskResult<unknown>>;
    run(input: unknown, options?: SubmitOptions): Promise<unknown>;
    /**
     * For a balancer over pools: `how` a settle callback (see `SUBMIT_WITH`: nothing, or the
     * refusal), or `false` with a `watch` (see `SUBMIT_VIA`: the promise, or the refusal).
     */
    admit(
      input: unknown,
      options: SubmitOptions | undefined,
      how: false | ((result: TaskResult<unknown>) => void),
      watch?: SettleWatch,
    ): Promise<unknown> | TaskResult<never> | undefined;
  };
  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>>;
  run(input: TInput, options?: SubmitOptions): Promise<TOutput>;
  submitMany(inputs: Iterable<TInput>, options?: SubmitOptions): Promise<TaskResult<TOutput>[]>;
  setPriority(id: string, priority: number): boolean;

  // ---- the queue ------------------------------------------------------------------------------
  readonly queueSize: number;
  readonly pending: number;
  readonly isPaused: boolean;
  /** `false` when already paused. */
  pause(): boolean;
  /** `start: false` only lifts the pause (a close that cancels the queue anyway). */
  resume(start?: boolean): boolean;
  /** Cancels every task not yet started with `reason`; returns how many. */
  clear(reason: unknown): number;
  /** Resolves when nothing is queued, waiting or running. */
  whenIdle(): Promise<void>;
  /** Resolves once fewer than `n` tasks have not started. */
  whenSizeBelow(n: number): Promise<void>;
  /** Stops taking submits; later ones get `TaskRejected` with `reason`. */
  refuse(reason: RejectReason, message: string): void;

  // ---- workers and size -----------------------------------------------------------------------
  /** Each worker's state and task count. */
  workers(): readonly WorkerSnapshot[];
  /** Workers ready for tasks. */
  readyCount(): number;
  /** Workers that count towards the pool's size. */
  liveCount(): number;
  /** A dynamic pool's bounds now (`undefined` for a fixed pool): the engine owns them. */
  readonly bounds: { readonly min: number; readonly max: number } | undefined;
  /** New bounds for a dynamic pool (`resize({ min, max })`, checked there), before the resize. */
  setBounds(min: number, max: number): void;
  /** A dynamic pool's bounds moved: idle workers may retire now. */
  boundsChanged(): void;
  /** The number of workers the pool machine aims for (the handle keeps it in step). */
  sizeTarget: number;
  /** Asks the pool machine to resize (a dynamic pool sizing itself); set by the handle. */
  onScale: ((request: ScaleRequest) => void) | undefined;

  // ---- streams and figures --------------------------------------------------------------------
  readonly metrics: EngineMetrics;
  readonly events$: Subject<PoolEvent>;
  readonly results$: Subject<TaskOutcome<TOutput>>;
  readonly deadLetters$: Subject<DeadLetter<TInput>>;
}
