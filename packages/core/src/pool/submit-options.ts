import { InvalidOptionError } from '../errors.js';
import { resolveRetry, type RetryOptions } from '../supervision/retry-policy.js';
import type { TaskExtras } from './task.js';

/** Per-task options for `submit` and `run`. */
export interface SubmitOptions {
  /**
   * Time limit in ms from the moment the task starts running; overrides the pool's `timeoutMs`.
   * @default the pool's timeoutMs
   */
  readonly timeoutMs?: number;
  /** Cancels the task: while queued it never runs; while running it settles at once and `ctx.signal` aborts. */
  readonly signal?: AbortSignal;
  /**
   * Priority level; a FIFO queue has the single level 0.
   * @default 0
   */
  readonly priority?: number;
  /** An affinity key, for balancers that route by key. */
  readonly key?: string;
  /**
   * Retries for this task, overriding the pool's `retry`.
   * @default the pool's retry
   */
  readonly retry?: RetryOptions;
}

/**
 * Checks per-task options. Returns the task's extras (`undefined` when it needs none), or a
 * message naming the bad option: the submit then resolves `TaskRejected('invalid-input')`.
 */
export function checkSubmitOptions(options: SubmitOptions): TaskExtras | undefined | string {
  if (typeof options !== 'object' || options === null)
    return `submit options must be an object (got ${String(options)})`;
  const { timeoutMs, signal, priority, key, retry } = options;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    return `timeoutMs must be a number > 0, or Infinity for no limit (got ${String(timeoutMs)})`;
  }
  if (priority !== undefined && priority !== 0) {
    return `priority ${String(priority)} is out of range: a FIFO queue has the single level 0`;
  }
  if (signal !== undefined && !(signal instanceof AbortSignal))
    return 'signal must be an AbortSignal';
  if (key !== undefined && typeof key !== 'string')
    return `key must be a string (got ${typeof key})`;
  let policy;
  if (retry !== undefined) {
    try {
      policy = resolveRetry(retry, 'retry');
    } catch (error) {
      return error instanceof InvalidOptionError ? error.message : String(error);
    }
  }
  if (
    timeoutMs === undefined &&
    signal === undefined &&
    key === undefined &&
    policy === undefined
  ) {
    return undefined;
  }
  return {
    signal,
    timeoutMs,
    priority: 0,
    key,
    retry: policy,
    onAbort: undefined,
    attempt: 1,
    crashes: 0,
    causes: [],
  };
}
