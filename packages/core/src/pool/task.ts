import type { TaskResult } from '../result.js';

/** Where a task is in its life. Plain numbers: this is the hot path. */
export const TaskState = {
  waiting: 0, // submitted under overflow 'wait', not yet in the queue
  queued: 1,
  running: 2,
  done: 3, // has its one outcome
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** Per-task options that only some tasks carry; absent for the common case. */
export interface TaskExtras {
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | undefined;
  readonly priority: number;
  readonly key: string | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * One submitted task. Kept small on purpose (a million may be queued): run-time state
 * (deadline, abort controller, worker) lives on the worker slot that runs it.
 */
export class Task<TInput = unknown, TOutput = unknown> {
  state: TaskState = TaskState.queued;
  /** Submit time while queued; start time once running. */
  t: number;
  resolve!: (result: TaskResult<TOutput>) => void;

  constructor(
    readonly id: number,
    readonly input: TInput,
    now: number,
    readonly x: TaskExtras | undefined,
  ) {
    this.t = now;
  }
}
