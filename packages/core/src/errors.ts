import { describeValue } from './describe-value.js';

/**
 * Expected task outcomes that are not a value. Each is an `Error` with a readonly `_tag`
 * (for `switch`) and a stable `name` (for logs), carried in the `Left` of a task's `Either`.
 */

/** The task ran and threw (or rejected); `cause` is what it threw. */
export class TaskFailed extends Error {
  readonly _tag = 'TaskFailed' as const;
  override readonly name = 'TaskFailed';
  constructor(
    override readonly cause: unknown,
    readonly taskId?: number,
  ) {
    super(`task failed: ${describeValue(cause)}`, { cause });
  }
}

/** The task was still running `timeoutMs` after it started. */
export class TaskTimedOut extends Error {
  readonly _tag = 'TaskTimedOut' as const;
  override readonly name = 'TaskTimedOut';
  constructor(
    readonly timeoutMs: number,
    readonly taskId?: number,
  ) {
    super(`task timed out after ${timeoutMs} ms`);
  }
}

/** The task was cancelled before it finished: `cause` is the abort reason. */
export class TaskCancelled extends Error {
  readonly _tag = 'TaskCancelled' as const;
  override readonly name = 'TaskCancelled';
  constructor(
    override readonly cause: unknown,
    readonly taskId?: number,
  ) {
    super(`task cancelled: ${describeValue(cause)}`, { cause });
  }
}

/** Why a pool refused (or later dropped) a task without running it. */
export type RejectReason = 'queue-full' | 'pool-closed' | 'pool-failed' | 'invalid-input';

/** The pool did not run the task; `reason` says why, `message` says what to do. */
export class TaskRejected extends Error {
  readonly _tag = 'TaskRejected' as const;
  override readonly name = 'TaskRejected';
  constructor(
    readonly reason: RejectReason,
    message: string,
    readonly taskId?: number,
  ) {
    super(message);
  }
}

/** The worker running the task crashed (its resource broke); `cause` is the crash cause. */
export class WorkerCrashed extends Error {
  readonly _tag = 'WorkerCrashed' as const;
  override readonly name = 'WorkerCrashed';
  /**
   * `true` when the worker ran out of memory: its cause carries Node's
   * `ERR_WORKER_OUT_OF_MEMORY` code (a thread over its `resourceLimits`).
   */
  readonly oom: boolean;
  constructor(
    override readonly cause: unknown,
    readonly workerId: string,
    readonly taskId?: number,
    /** `true` when the task crashed its worker too often and went to `deadLetters$` instead of another retry. */
    readonly quarantined = false,
  ) {
    super(
      `worker ${workerId} crashed${quarantined ? ' (task quarantined)' : ''}: ${describeValue(cause)}`,
      { cause },
    );
    this.oom = hasOomCode(cause);
  }
}

/** Every way a task can end without a value. */
export type TaskError = TaskFailed | TaskTimedOut | TaskCancelled | TaskRejected | WorkerCrashed;

/**
 * Thrown by task code to say "my worker's resource is broken": the task fails with
 * `WorkerCrashed` and the worker is torn down and replaced, instead of running more tasks.
 *
 * @example
 * run: async (sql, { resource: db }) => {
 *   try { return await db.query(sql); }
 *   catch (e) { if (isConnectionLost(e)) throw new WorkerCrashedError('connection lost', { cause: e }); throw e; }
 * }
 */
export class WorkerCrashedError extends Error {
  override readonly name = 'WorkerCrashedError';
}

/**
 * Thrown by task code to say "retrying cannot help" (bad input, a permanent refusal): the task
 * fails `TaskFailed` with this as `cause`, whatever its retry policy says. Thrown (or rejected
 * with) by a worker's `setup`, or reported through its `crash`, it says "restarting cannot
 * help" (a module that cannot be loaded): the pool goes `failed` at once, this as the
 * `PoolFailedError`'s `cause`, instead of spending its restart limit first.
 */
export class UnrecoverableError extends Error {
  override readonly name = 'UnrecoverableError';
}

/** A bad option given to a constructor such as `createPool`: a programmer error, thrown at once. */
export class InvalidOptionError extends TypeError {
  override readonly name = 'InvalidOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`invalid option \`${option}\`: got ${describeValue(value)}; allowed: ${allowed}`);
  }
}

/** A call that the pool's current lifecycle state does not allow (for example `resize` on a stopped pool). */
export class PoolStateError extends Error {
  override readonly name = 'PoolStateError';
  constructor(
    readonly operation: string,
    readonly state: string,
    message: string,
  ) {
    super(message);
  }
}

/** The abort reason (the `cause` of `TaskCancelled`) of tasks not yet started that `pool.clear()` cancelled. */
export class PoolClearedError extends Error {
  override readonly name = 'PoolClearedError';
}

/** The abort reason of tasks cancelled because their pool closed with `abort` or past its close deadline. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
}

/** Whether a crash cause carries Node's out-of-memory code (read safely: a cause may be hostile). */
function hasOomCode(cause: unknown): boolean {
  if (typeof cause !== 'object' || cause === null) return false;
  try {
    return (cause as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
  } catch {
    return false;
  }
}
