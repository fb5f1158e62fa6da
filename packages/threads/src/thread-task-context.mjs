// @ts-check
/* global AbortController */
/**
 * The `ctx` a task function gets in the thread: `{ signal, taskId, attempt, transfer }`.
 */
import { transfer } from './transfer-marker.mjs';

/**
 * @typedef {import('node:worker_threads').TransferListItem} TransferListItem
 */

/**
 * A run's context. Its AbortController is made only if the task reads `signal` (one costs
 * microseconds; most tasks never look).
 */
export class ThreadTaskContext {
  /** @type {AbortController | undefined} */
  #controller = undefined;
  /**
   * @param {number} taskId
   * @param {number} attempt
   */
  constructor(taskId, attempt) {
    this.taskId = taskId;
    this.attempt = attempt;
  }
  get signal() {
    return (this.#controller ??= new AbortController()).signal;
  }
  /**
   * Marks `value` so that the objects in `list` (ArrayBuffers, MessagePorts) are moved to the
   * main thread instead of copied: the marker of `transfer` in `transfer.ts`.
   *
   * @param {unknown} value
   * @param {Iterable<TransferListItem>} list
   */
  transfer(value, list) {
    return transfer(value, list);
  }
  /**
   * The main side forwarded an abort of this task.
   *
   * @param {ThreadTaskContext} ctx
   * @param {unknown} reason
   */
  static abort(ctx, reason) {
    (ctx.#controller ??= new AbortController()).abort(reason);
  }
}
