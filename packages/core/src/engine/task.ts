import type { TaskResult } from '../result.js';
import type { HasDeadline } from '../time/deadline-heap.js';
import type { RetryPolicy } from '../supervision/retry-policy.js';
import type { SettleWatch } from './settle-watch.js';

/**
 * A task timestamp: clock time in 1/1024 ms since its pool was made (`TaskRunner.tick` and
 * `time` convert). Why not milliseconds: small integers stay unboxed in the task object, where
 * a fractional double would cost a 16-byte box per queued task (past ~24 days they are
 * doubles, still exact; 1024, a power of two, keeps the conversions exact).
 */
export type Ticks = number;

/** Where a task is in its life. Plain numbers: this is the hot path. */
export const TaskState = {
  waiting: 0, // submitted under overflow 'wait', not yet in the queue
  queued: 1,
  running: 2,
  done: 3, // has its one outcome
  retrying: 4, // failed a run; waits out its retry delay before it queues again
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** Per-task options that only some tasks carry; absent for the common case. */
export interface TaskExtras {
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | undefined;
  /** Base priority level (`setPriority` changes it). */
  priority: number;
  /** The caller's id for the task (for `setPriority`). */
  readonly id: string | undefined;
  /** This task's own retry policy, overriding the pool's. */
  readonly retry: RetryPolicy | undefined;
  onAbort: (() => void) | undefined;
  /** Runs so far (1 while the first runs). */
  attempt: number;
  /** Told of the task's outcome before its caller is (a balancer's task: `SUBMIT_VIA`). */
  readonly watch: SettleWatch | undefined;
  /** Times a run of this task ended with its worker crashed or hung. */
  crashes: number;
  /** Why each failed run failed, oldest first (kept for `deadLetters$`). */
  causes: unknown[] | undefined;
  /**
   * One frozen object shared by every task submitted with the same priority and nothing else
   * (`sharedPriority`): a priority pool then allocates no extras per task. Whoever changes a
   * task's extras takes its own copy first (`ownExtras`).
   */
  readonly shared: boolean;
}

/** Extras for a task that carried none and now needs them (a retry). */
function emptyExtras(): TaskExtras {
  return {
    signal: undefined,
    timeoutMs: undefined,
    priority: 0,
    id: undefined,
    retry: undefined,
    onAbort: undefined,
    attempt: 1,
    watch: undefined,
    crashes: 0,
    causes: undefined,
    shared: false,
  };
}

/** A fresh copy of a task's extras (same shape as the others: one hidden class for all). */
export function copyExtras(x: TaskExtras): TaskExtras {
  return {
    signal: x.signal,
    timeoutMs: x.timeoutMs,
    priority: x.priority,
    id: x.id,
    retry: x.retry,
    onAbort: undefined,
    attempt: 1,
    watch: x.watch,
    crashes: 0,
    causes: undefined,
    shared: false,
  };
}

const sharedByPriority: TaskExtras[] = [];

/** The shared, frozen extras of a task that carries only `priority` (see `TaskExtras.shared`). */
export function sharedPriority(priority: number): TaskExtras {
  return (sharedByPriority[priority] ??= Object.freeze({
    ...emptyExtras(),
    priority,
    shared: true,
  }));
}

/** `x` (a task's extras, if any) told to report to `watch`: the shared extras of the watch when there are none. */
export function watched(x: TaskExtras | undefined, watch: SettleWatch): TaskExtras {
  if (x === undefined)
    return (watch.extras ??= Object.freeze({
      ...emptyExtras(),
      watch,
      shared: true,
    })) as TaskExtras;
  return { ...(x.shared ? copyExtras(x) : x), watch };
}

/** The task's extras, its own to change: made if it has none, copied if they are shared. */
export function ownExtras(task: Task): TaskExtras {
  const x = task.x;
  if (x === undefined) return (task.x = emptyExtras());
  if (!x.shared) return x;
  return (task.x = copyExtras(x));
}

/**
 * One submitted task. Kept small on purpose (a million may be queued): run-time state
 * (deadline, abort controller, worker) lives on the worker slot that runs it.
 */
export class Task<TInput = unknown, TOutput = unknown> {
  state: TaskState = TaskState.queued;
  /** Submit time while queued, start time once running. */
  t: Ticks;
  resolve!: (result: TaskResult<TOutput>) => void;
  /**
   * Set for a task admitted by `run`: its promise resolves with the output (`resolve` then takes
   * the value, not an Either) and rejects with the TaskError, with no second promise to unwrap.
   */
  reject: ((error: unknown) => void) | undefined = undefined;

  constructor(
    readonly id: number,
    readonly input: TInput,
    now: Ticks,
    public x: TaskExtras | undefined,
  ) {
    this.t = now;
  }
}

/**
 * The rest of a `submitMany` call, queued as one entry: tasks `first + next … first + end - 1`
 * of `inputs`, made one at a time as workers take them, so a million queued inputs cost a
 * cursor, not a million task objects. Only for calls without options on a FIFO queue.
 */
export class BulkTasks {
  constructor(
    readonly inputs: readonly unknown[],
    /** Index of the next input to hand out. */
    public next: number,
    readonly end: number,
    /** The id of input 0. */
    readonly first: number,
    /** Admission time. */
    readonly t: Ticks,
    readonly resolve: (result: TaskResult<unknown>) => void,
  ) {}

  /** Makes the next task (queued; the caller counts it out of `queued`). */
  take(): Task {
    const i = this.next++;
    const task = new Task(this.first + i, this.inputs[i], this.t, undefined);
    task.state = TaskState.queued;
    task.resolve = this.resolve;
    return task;
  }

  get done(): boolean {
    return this.next >= this.end;
  }
}

/** A task waiting out its retry delay, in the pool's deadline heap. */
export class RetryEntry implements HasDeadline {
  heapIndex = -1;
  constructor(
    readonly task: Task,
    public deadline: number,
  ) {}
}
