import { describeValue } from './describe-value.js';

/**
 * Every error class of the package. One naming rule: a `TaskError` (what a task's `Left`
 * carries) has a `_tag` name (`TaskFailed`, `TaskTimedOut`, …); every other class, thrown or
 * given as a reason or `cause`, ends in `Error`. Each keeps what lies under it as `cause`.
 */

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

/**
 * The task was still running `timeoutMs` after it started. `cause` is a `DOMException` named
 * `TimeoutError`, the reason `AbortSignal.timeout()` gives, so a check written for that
 * (`cause.name === 'TimeoutError'`) recognises it too.
 */
export class TaskTimedOut extends Error {
  readonly _tag = 'TaskTimedOut' as const;
  override readonly name = 'TaskTimedOut';
  override readonly cause: DOMException;
  constructor(
    readonly timeoutMs: number,
    readonly taskId?: number,
  ) {
    const what = taskId === undefined ? 'the task' : `task ${taskId}`;
    const cause = new DOMException(
      `${what} was still running ${timeoutMs} ms after it started`,
      'TimeoutError',
    );
    super(`task timed out after ${timeoutMs} ms`, { cause });
    this.cause = cause;
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

/**
 * The pool did not run the task; `reason` says why, `message` says what to do, and `cause` is
 * what made the pool refuse when there is one (the `PoolFailedError` of a failed pool).
 */
export class TaskRejected extends Error {
  readonly _tag = 'TaskRejected' as const;
  override readonly name = 'TaskRejected';
  constructor(
    readonly reason: RejectReason,
    message: string,
    readonly taskId?: number,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
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

/**
 * Why a pool gave up: its supervisor's restart limit was exceeded, no worker was left, or a
 * worker crashed with an `UnrecoverableError` (a setup that cannot succeed on a restart).
 */
export class PoolFailedError extends Error {
  override readonly name = 'PoolFailedError';
  constructor(
    readonly pool: string,
    /** Restarts counted in the window when the pool gave up. */
    readonly restarts: number,
    readonly withinMs: number,
    override readonly cause: unknown,
    message = `pool '${pool}' failed: ${restarts} worker restarts within ${withinMs} ms exceed its limit (last cause: ${describeValue(cause)})`,
  ) {
    super(message, { cause });
  }
}

/** A supervisor gave up: more restarts within the window than its limit allows. */
export class RestartLimitExceededError extends Error {
  override readonly name = 'RestartLimitExceededError';
  constructor(
    readonly restarts: number,
    readonly withinMs: number,
    override readonly cause: unknown,
  ) {
    super(
      `${restarts} restarts within ${withinMs} ms exceed the limit (last cause: ${describeValue(cause)})`,
      { cause },
    );
  }
}

/** One problem of a system spec: where it is (`pools.fetch.size.min`) and what is wrong there. */
export interface SpecProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * A system spec given to `createSystem` or `reconfigure` is wrong: every problem found, each
 * naming its path, in `problems` and one a line in the message. Nothing was built or changed.
 */
export class InvalidSystemSpecError extends TypeError {
  override readonly name = 'InvalidSystemSpecError';
  constructor(readonly problems: readonly SpecProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      `invalid system spec (${count}):\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
}

/**
 * A system gave up: pool `pool` failed once more than its `supervision` allows (`restarts`
 * within `withinMs`). Every member of the system is closed; `cause` is the pool's last failure.
 */
export class SystemFailedError extends Error {
  override readonly name = 'SystemFailedError';
  constructor(
    readonly system: string,
    readonly pool: string,
    readonly restarts: number,
    readonly withinMs: number,
    override readonly cause: unknown,
  ) {
    super(
      `system '${system}' failed: pool '${pool}' failed ${restarts} times within ${withinMs} ms, past the system's supervision limit (last cause: ${describeValue(cause)})`,
      { cause },
    );
  }
}

/** @deprecated Renamed `RestartLimitExceededError` (every error class but a `TaskError` ends in `Error`); this alias goes in the next release. */
export const RestartLimitExceeded = RestartLimitExceededError;
/** @deprecated Renamed `RestartLimitExceededError`. */
export type RestartLimitExceeded = RestartLimitExceededError;

/** A batch worker's result array did not have one result per item: the `cause` of each item's `TaskFailed`. */
export class BatchResultError extends Error {
  override readonly name = 'BatchResultError';
}

/** The abort reason (the `cause` of `TaskCancelled`) of tasks in flight when the subscriber of `through()` unsubscribed. */
export class ThroughUnsubscribedError extends Error {
  override readonly name = 'ThroughUnsubscribedError';
  constructor() {
    super('the subscriber of through() unsubscribed: its tasks in flight were cancelled');
  }
}

/** @deprecated Renamed `ThroughUnsubscribedError` (every error class but a `TaskError` ends in `Error`); this alias goes in the next release. */
export const ThroughUnsubscribed = ThroughUnsubscribedError;
/** @deprecated Renamed `ThroughUnsubscribedError`. */
export type ThroughUnsubscribed = ThroughUnsubscribedError;

/** Whether a crash cause carries Node's out-of-memory code (read safely: a cause may be hostile). */
function hasOomCode(cause: unknown): boolean {
  if (typeof cause !== 'object' || cause === null) return false;
  try {
    return (cause as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
  } catch {
    return false;
  }
}
