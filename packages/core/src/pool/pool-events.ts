import type { PoolFailedError, RejectReason } from '../errors.js';
import type { TaskResult } from '../result.js';
import type { ScaleReason } from '../scaling/autoscaler-machine.js';

/** A pool's lifecycle state. */
export type PoolState = 'stopped' | 'starting' | 'running' | 'closing' | 'failed';

/** What `events$` carries: everything that happens to a pool but the per-task outcomes. */
export type PoolEvent =
  /** The state now, first to each subscriber; then each change of the top-level state. */
  | { readonly type: 'pool.state'; readonly state: PoolState }
  | { readonly type: 'pool.resized'; readonly from: number; readonly to: number }
  /** `pause()`: submits still queue, nothing new starts. */
  | { readonly type: 'pool.paused' }
  /** `resume()`, or a close that ended a pause: queued tasks start again. */
  | { readonly type: 'pool.resumed' }
  | { readonly type: 'pool.failed'; readonly error: PoolFailedError }
  | {
      /** The pool sized itself (autoscaling): why, and with what figures. */
      readonly type: 'scale.up' | 'scale.down';
      readonly from: number;
      readonly to: number;
      readonly because: ScaleReason;
      readonly detail: string;
      /** `true` when the decision was only reported (`size.dryRun`). */
      readonly dryRun: boolean;
    }
  | { readonly type: 'worker.started'; readonly workerId: string }
  | { readonly type: 'worker.crashed'; readonly workerId: string; readonly cause: unknown }
  /** Its executor gave the worker up on purpose (a thread stopped for a cancelled task). */
  | { readonly type: 'worker.replaced'; readonly workerId: string; readonly cause: unknown }
  | {
      readonly type: 'worker.restarting';
      readonly workerId: string;
      readonly delayMs: number;
      readonly attempt: number;
    }
  | { readonly type: 'worker.restarted'; readonly workerId: string; readonly seat: string }
  | { readonly type: 'worker.stopped'; readonly workerId: string }
  | { readonly type: 'worker.teardown-failed'; readonly workerId: string; readonly error: unknown }
  /**
   * A close stopped waiting for the worker (its deadline passed, or it was aborted while waiting):
   * its setup or teardown had not finished. Its actor is stopped (a setup's signal aborts); what
   * the setup or teardown still does is not awaited, and its resource is dropped by the pool.
   */
  | {
      readonly type: 'worker.abandoned';
      readonly workerId: string;
      readonly during: 'setup' | 'teardown';
    }
  | { readonly type: 'task.rejected'; readonly reason: RejectReason; readonly message: string }
  /**
   * A run went past its deadline (its task timed out, or had been cancelled and its run kept
   * going): its signal aborted, and the pool went on without it (or, with `supervision.timeouts:
   * 'crash-worker'`, crashed its worker: `worker.crashed` follows).
   */
  | {
      readonly type: 'task.timed-out';
      readonly workerId: string;
      readonly taskId: number;
      readonly timeoutMs: number;
    }
  /** An answer for a run already settled — a second call-back, or one after a timeout/cancel — dropped. */
  | {
      readonly type: 'task.stray-answer';
      readonly workerId: string;
      readonly taskId: number | undefined;
      readonly detail: string;
    };

/** A task taken out of circulation because it kept crashing its workers. */
export interface DeadLetter<TInput> {
  /** The pool's number for the task. */
  readonly taskId: number;
  /** The caller's id for the task (`SubmitOptions.id`), when the submit gave one. */
  readonly id?: string | undefined;
  readonly input: TInput;
  /** Runs it had. */
  readonly attempts: number;
  /** Why each run failed, oldest first. */
  readonly causes: readonly unknown[];
}

/** What `results$` carries: one per task, when it settles. */
export interface TaskOutcome<TOutput> {
  /** The pool's number for the task (a batch pool: the batcher's number for the item). */
  readonly taskId: number;
  /** The caller's id for the task (`SubmitOptions.id`), when the submit gave one. */
  readonly id?: string | undefined;
  readonly result: TaskResult<TOutput>;
}
