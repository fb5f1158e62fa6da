import type { TaskError } from '../errors.js';
import type { TaskResult } from '../result.js';
import type { Task } from '../engine/task.js';

/**
 * What the engine tells a traced pool's tracing about a task, at the three points where only
 * the engine knows (the run's start is seen by the traced worker logic, `tracedLogic`). A pool
 * without `tracing` has none: the engine asks one `undefined` check at each point.
 */
export interface TaskTracing {
  /** `task` was admitted, in its submitter's call: the context active now is its parent. */
  submitted(task: Task, now: number): void;
  /** A run of `task` ended without a value at `now` (it may be retried). */
  runFailed(task: Task, error: TaskError, now: number): void;
  /** `task` has its one outcome. */
  settled(task: Task, result: TaskResult<unknown>): void;
}
