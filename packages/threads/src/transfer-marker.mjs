// @ts-check
/**
 * The transfer marker on the thread's side: task code makes it with `ctx.transfer(value, list)`
 * (the same plain object as `transfer` in `transfer.ts` makes, under the same `Symbol.for` key),
 * and an answer marked so moves the objects in its list (ArrayBuffers, MessagePorts) to the
 * main thread instead of copying them (see `answers.mjs`).
 */
import { TRANSFER } from './protocol-constants.mjs';

/**
 * @typedef {import('node:worker_threads').TransferListItem} TransferListItem
 * @typedef {{ [TRANSFER]: true, value: unknown, list: Iterable<TransferListItem> }} Transfer
 */

/**
 * Marks `value` so that the objects in `list` are moved to the main thread instead of copied.
 *
 * @param {unknown} value
 * @param {Iterable<TransferListItem>} list
 * @returns {Transfer}
 */
export function transfer(value, list) {
  return { [TRANSFER]: true, value, list };
}

/**
 * Whether `value` is a marker made by `transfer`.
 *
 * @param {unknown} value
 * @returns {value is Transfer}
 */
export function isTransfer(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    /** @type {Partial<Transfer>} */ (value)[TRANSFER] === true
  );
}
