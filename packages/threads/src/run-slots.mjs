// @ts-check
/**
 * Where each run stands, in its slot of the shared array (`wake[STARTED + index]`, see
 * `protocol-constants.mjs`): the compare-and-swap by which a run the link sent is either started
 * by the thread or taken back by the link, never both. The link marks a run sent (`~id`) before
 * it posts it; the thread swaps that mark for `id` as it starts the run, and the link swaps it for
 * `REVOKED` as it takes the run back (to give it to another thread). `Atomics.compareExchange`
 * lets exactly one of them win: a run taken back never starts, and one started is never taken
 * back. Both sides import this module (the thread from `dist/` as it is: plain JS).
 */
import * as protocol from './protocol-constants.mjs';

// Bound once as constants of this module: the hot paths read them as they read their own.
const { STARTED, INDEX_MASK, REVOKED } = protocol;

/**
 * The link: run `id` is sent (before it is posted), neither started nor taken back yet.
 *
 * @param {Int32Array} wake
 * @param {number} id
 */
export function markSent(wake, id) {
  Atomics.store(wake, STARTED + (id & INDEX_MASK), ~id);
}

/**
 * The thread: run `id` starts, unless the link took it back first. `true`: run it.
 *
 * @param {Int32Array} wake
 * @param {number} id
 */
export function claimRun(wake, id) {
  return Atomics.compareExchange(wake, STARTED + (id & INDEX_MASK), ~id, id) === ~id;
}

/**
 * The link: run `id` is taken back, unless the thread started it first. `true`: taken back.
 *
 * @param {Int32Array} wake
 * @param {number} id
 */
export function revokeRun(wake, id) {
  return Atomics.compareExchange(wake, STARTED + (id & INDEX_MASK), ~id, REVOKED) === ~id;
}

/**
 * Whether the thread started run `id` (the latest run under its index).
 *
 * @param {Int32Array} wake
 * @param {number} id
 */
export function wasStarted(wake, id) {
  return wake[STARTED + (id & INDEX_MASK)] === id;
}
