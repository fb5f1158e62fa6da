/** A batch pool's option and metric types: a leaf, so options and metrics need not import the batcher. */

/** Batching: workers take arrays of inputs and return one result per item. */
export interface BatchOptions {
  /** Most items in a batch; a full batch is dispatched at once. */
  readonly size: number;
  /** A batch is dispatched when its oldest item has waited this long, full or not (ms). */
  readonly maxWaitMs: number;
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
