import type { TaskResult } from '../result.js';

/** Told of each task submitted with it (`SUBMIT_VIA`) as the task settles. */
export interface SettleWatch {
  /**
   * `result` is the outcome for the caller's promise, about to be resolved with it; return `true`
   * to take the task over instead (to route it elsewhere): then the sink does not resolve it,
   * and the watch calls `resolve` itself, once, later.
   */
  settled(input: unknown, result: TaskResult<unknown>, resolve: (result: unknown) => void): boolean;
  /** The sink's own, for what it keeps per watch. */
  extras: unknown;
}
