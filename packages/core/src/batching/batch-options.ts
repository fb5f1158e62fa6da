/**
 * A batch pool's option and metric types, the option's check, and what the batcher needs of its
 * pool: apart from the batcher, so options and metrics need not import it, nor it the engine.
 */
import { InvalidOptionError, type RejectReason } from '../errors.js';
import { checkObject, checkPositive, checkSize } from '../option-checks.js';
import type { TaskResult } from '../result.js';

/** Batching: workers take arrays of inputs and return one result per item. */
export interface BatchOptions {
  /** Most items in a batch; a full batch is dispatched at once. */
  readonly size: number;
  /** A batch is dispatched when its oldest item has waited this long, full or not (ms). */
  readonly maxWaitMs: number;
}

/**
 * Validates `batch` (batch pools only); throws `InvalidOptionError` naming the field. A batch
 * pool's queue is FIFO: it queues batches, which have no priority of their own.
 */
export function resolveBatch(
  batch: BatchOptions | undefined,
  queueKind: 'fifo' | 'priority',
): BatchOptions | undefined {
  if (batch === undefined) return undefined;
  checkObject('batch', batch, ['size', 'maxWaitMs']);
  const size = checkSize('batch.size', batch.size);
  const maxWaitMs = checkPositive('batch.maxWaitMs', batch.maxWaitMs, false);
  if (queueKind === 'priority') {
    throw new InvalidOptionError(
      'queue.kind',
      'priority',
      "'fifo' in a batch pool (it queues batches, which have no priority of their own)",
    );
  }
  return { size, maxWaitMs };
}

/** Why a batch was dispatched. */
export type FlushReason = 'full' | 'timer' | 'close';

/** A batch pool's item-level figures (the pool's task counters count batches). */
export interface BatchMetrics {
  /** Items accepted. */
  readonly items: number;
  /** Items in the batch being filled. */
  readonly pending: number;
  /** Items settled with a value, and otherwise (failed, timed out, crashed, cancelled, refused). */
  readonly completed: number;
  readonly failed: number;
  /** Batches dispatched. */
  readonly batches: number;
  /** Items per dispatched batch. */
  readonly size: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Why batches were dispatched. */
  readonly flushes: Readonly<Record<FlushReason, number>>;
}

/**
 * What a batcher needs of the pool it feeds: its door and a way to submit a batch as one task.
 * The engine implements it; a batcher depends on nothing more.
 */
export interface BatchTarget<TInput, TOutput> {
  /** Whether the pool takes tasks now (options are read only then). */
  readonly isAccepting: boolean;
  /** A refusal at the door, counted and told as the pool's own. */
  rejectAtDoor(reason: RejectReason, message: string): TaskResult<never>;
  /** The refusal a task would get at the door now (pool not accepting, signal aborted), if any. */
  turnedAway(signal: AbortSignal | undefined): TaskResult<never> | undefined;
  /** Submits one batch. */
  submit(batch: TInput[]): Promise<TaskResult<TOutput>>;
  /** Resolves when nothing is queued, waiting or running. */
  whenIdle(): Promise<void>;
}
