import type { TaskResult } from '../result.js';
import type { Task } from './task.js';

// The promise of a task is made by one shared executor, not a closure per submit (a closure
// per task cost measurable throughput): `promiseFor` parks the task here for the executor.
let pending: Task | undefined;
const capture = (resolve: (result: TaskResult<unknown>) => void): void => {
  pending!.resolve = resolve;
};
const captureRun = (resolve: (value: unknown) => void, reject: (error: unknown) => void): void => {
  pending!.resolve = resolve;
  pending!.reject = reject;
};

/** The promise `task` settles: with its Either (`submit`), or its output or error (`run`: `unwrapped`). */
export function promiseFor(task: Task, unwrapped: boolean): Promise<unknown> {
  pending = task;
  const promise = new Promise<unknown>(unwrapped ? captureRun : capture);
  pending = undefined;
  return promise;
}
