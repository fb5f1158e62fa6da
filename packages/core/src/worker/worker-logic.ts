/**
 * Worker logic: what a worker is, independent of where it runs. An executor (`fromAsync` here;
 * `fromWorkerThread`, `fromBullmq` in their packages) turns outside work into this shape.
 */
import type { RunTrace } from '../tracing/run-trace.js';

/** What a task sees while it runs. */
export interface TaskContext<TResource = unknown> {
  /** Aborted when the task is cancelled, times out, or the pool closes with `abort`. */
  readonly signal: AbortSignal;
  /** The id of the worker running the task (`<pool>-w<n>`). */
  readonly workerId: string;
  /** 1 on the first run; higher when the task is retried. */
  readonly attempt: number;
  /** The pool-unique id of the task. */
  readonly taskId: number;
  /**
   * The task's priority level (`submit`'s `priority`, or what `setPriority` made it; 0 in a FIFO
   * pool): for an executor that hands the task on to a queue of its own (a remote one).
   */
  readonly priority: number;
  /** What the worker's `setup` returned (undefined when it has none). */
  readonly resource: TResource;
  /**
   * Calls `listener` (once) with the reason when the task is aborted while it runs, as `signal`
   * would — right away if it already was. Much cheaper than reading `signal`, which makes an
   * AbortController (microseconds): for executors that relay every run's abort elsewhere.
   */
  onAbort(listener: AbortListener): void;
}

/**
 * What `ctx.onAbort` calls: a function, or an object with `handleAbort` (so that an executor's
 * own per-run record can listen without a closure per run).
 */
export type AbortListener = ((reason: unknown) => void) | { handleAbort(reason: unknown): void };

/** What a worker's `setup` sees. */
export interface WorkerSetupContext {
  readonly workerId: string;
  /**
   * Aborted when the worker actor is stopped outright before its setup finished (a close past
   * its deadline). A normal stop waits for setup to finish, then tears the resource down.
   */
  readonly signal: AbortSignal;
  /**
   * Reports that the worker's resource broke after setup (a dead thread, a closed socket):
   * the worker crashes and its running task, if any, ends with `WorkerCrashed`.
   */
  readonly crash: (cause: unknown) => void;
  /**
   * Gives the worker up on purpose (a thread terminated to stop a task that was cancelled
   * while it ran): the worker stops, its seat gets a new worker at once, and it is not a
   * crash — the supervisor does not count it. Tasks still running on it end `WorkerCrashed`
   * (or are retried). Ignored before setup finished and once the worker is stopping.
   */
  readonly replace: (cause: unknown) => void;
  /**
   * Reports an answer that belongs to no run in flight (a resource that answered a run twice,
   * or after its task was settled otherwise): the executor drops it, and the pool tells it as
   * `task.stray-answer` on `events$`. `taskId` when the executor can tell whose it was.
   */
  readonly strayAnswer: (taskId: number | undefined, detail: string) => void;
  /**
   * Says that the run of task `taskId` on this worker is innocent of what is about to end the
   * worker: the `crash` or `replace` the executor reports next, or the pool's own crash of it
   * for another run's timeout. When the worker goes, that task goes back to the front of the
   * queue — no attempt, retry or quarantine strike counted — instead of ending
   * `WorkerCrashed`. Only for runs the end of the worker surely stops (a terminated thread),
   * never for ones that may run on. Ignored for a task not running on this worker.
   */
  readonly requeue: (taskId: number) => void;
  /**
   * Caps how many of this worker's lanes take tasks from now on: 1 to the logic's `concurrency`
   * (throws `InvalidOptionError` otherwise). The pool hands a task only to a lane of a worker
   * that runs fewer than `limit`; lanes over it rest until the limit rises, a running one once
   * its run ends. For a resource that serves its runs one after another (a thread): many in
   * flight while they are short, few while they are long. Nothing is held back from the queue:
   * a task the worker will not take waits there, for this worker or another.
   * @default the logic's `concurrency`, until the first call
   */
  readonly limitLanes: (limit: number) => void;
  /**
   * Gives back runs of this worker that its resource has not started and never will (a thread
   * that revoked runs queued behind a long one): their tasks go back to the front of the queue
   * in the order given (at the head of their priority level), no attempt, retry or quarantine
   * strike counted, for any worker to take; their lanes are free, or rest over the lane limit.
   * The executor must not answer those runs any more: an answer it still gives is dropped as
   * stray. Ids of tasks not running on this worker are ignored.
   */
  readonly giveBack: (taskIds: readonly number[]) => void;
}

/** What a worker's `teardown` sees. */
export interface WorkerTeardownContext {
  readonly workerId: string;
  /** Why the worker stops: a normal stop, or the crash cause. */
  readonly reason: 'stop' | 'crash';
}

/** Worker logic as a plain value: the pool starts workers from it. */
export interface WorkerLogic<TInput, TOutput, TResource = unknown> {
  /** Which executor made it (`'async'`, `'thread'`, …): shown in snapshots and charts. */
  readonly kind: string;
  /** Acquires the worker's resource; a throw or rejection crashes the worker. */
  readonly setup?: (ctx: WorkerSetupContext) => TResource | Promise<TResource>;
  /**
   * Runs one task. A throw is a failed task; a `WorkerCrashedError` crashes the worker; a
   * `TaskRejected` (an input the executor cannot take) settles the task with it as it is.
   * In a pool with `tracing`, `trace` is the W3C trace context of the run's span, for an
   * executor that carries the run elsewhere (a thread, a remote worker); code in this process
   * already runs in the span's context.
   */
  readonly run: (
    input: TInput,
    ctx: TaskContext<TResource>,
    trace?: RunTrace,
  ) => TOutput | PromiseLike<TOutput>;
  /**
   * Tasks one worker runs at once (default 1): a worker whose resource multiplexes (a thread
   * with a message queue, an HTTP/2 session) takes up to this many; each is a lane of it.
   */
  readonly concurrency?: number;
  /**
   * `true` when every thenable `run` returns calls back at most once and never while its `then`
   * runs, as a native promise does: the pool then hands it its bound handlers as it does a
   * promise, instead of adopting it defensively (an object and two closures per run). An
   * executor's promise to keep; task code's results are never trusted so.
   * @default false
   */
  readonly answersOnce?: boolean;
  /**
   * `true` when the executor runs tasks elsewhere (another process, another machine) and rejects
   * a run with the `TaskError` the task ended with there: the pool then takes a `TaskFailed`,
   * `TaskTimedOut`, `TaskCancelled` or `WorkerCrashed` that a run rejects with as the run's error
   * as it is — counted, retried and settled by its tag — instead of wrapping it in `TaskFailed`
   * (a `TaskRejected` is taken as it is by every executor). Task code's errors are never taken
   * so: a task that awaits another pool's `run` still fails `TaskFailed` with its error as cause.
   * @default false
   */
  readonly forwardsTaskErrors?: boolean;
  /** Releases the resource when the worker stops or after it crashed. */
  readonly teardown?: (resource: TResource, ctx: WorkerTeardownContext) => void | Promise<void>;
}

/** Anything `createPool({ worker })` accepts: worker logic, or a plain (async) function. */
export type WorkerSpec<TInput, TOutput, TResource = unknown> =
  | WorkerLogic<TInput, TOutput, TResource>
  | ((input: TInput, ctx: TaskContext<TResource>) => TOutput | Promise<TOutput>);

/** `true` for a value made by an executor such as `fromAsync`. */
export function isWorkerLogic(value: unknown): value is WorkerLogic<unknown, unknown, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { run?: unknown }).run === 'function' &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}
