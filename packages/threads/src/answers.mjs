// @ts-check
/**
 * The thread's answers on their way to the main thread. Each run's result is held (`settle`)
 * until `post` sends all those held as one message, `[id, kind, value, …]` (three slots a
 * result) with one concatenated transfer list. The message loop posts when an answer has waited
 * long enough or the thread runs low on runs (see `runAll` in `message-loop.mjs`); what is
 * left goes out in a microtask after the first answer held.
 */
import * as protocol from './protocol-constants.mjs';
import { port } from './thread-wiring.mjs';
import { isTransfer } from './transfer-marker.mjs';
import { toWire } from './wire-errors.mjs';

// Bound once as constants of this module: the hot paths read them as they read their own.
const { OK, ERROR, THROWN, RESULT_SLOTS } = protocol;

/**
 * @typedef {import('node:worker_threads').TransferListItem} TransferListItem
 * @typedef {typeof OK | typeof ERROR | typeof THROWN} ResultKind
 */

/** Results not sent yet: `[id, kind, value, …]`, and what they transfer. @type {unknown[]} */
let results = [];
/** @type {TransferListItem[]} */
let transfers = [];
/**
 * Each transferring result's own list, by its index in `results` (for the one-by-one fallback).
 *
 * @type {Map<number, TransferListItem[]> | undefined}
 */
let lists;
let scheduled = false;
/** When the oldest answer not sent yet was settled (`performance.now()`). */
export let heldSince = 0;
/** What the message loop does after each flush (see `afterFlush`). */
let flushed = () => {};

/** Whether answers are held, not sent yet. */
export function holding() {
  return results.length > 0;
}

/**
 * Has `then` run after each flush of the answers left over: the message loop waits for work
 * there when the thread is idle.
 *
 * @param {() => void} then
 */
export function afterFlush(then) {
  flushed = then;
}

/**
 * Holds the result of run `id`; an output marked by `ctx.transfer` leaves its marker here, and
 * its list goes with the message.
 *
 * @param {number} id
 * @param {ResultKind} kind
 * @param {unknown} value
 */
export function settle(id, kind, value) {
  if (results.length === 0) heldSince = performance.now();
  if (kind === OK && isTransfer(value)) {
    const list = Array.from(value.list);
    (lists ??= new Map()).set(results.length, list);
    for (const item of list) transfers.push(item);
    value = value.value;
  }
  results.push(id, kind, value);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(flush);
  }
}

/**
 * Holds what run `id` threw: an Error as wire data, anything else as it is.
 *
 * @param {number} id
 * @param {unknown} error
 */
export function fail(id, error) {
  if (error instanceof Error) settle(id, ERROR, toWire(error));
  else settle(id, THROWN, error);
}

/** Sends every result gathered since the last flush as one message; then, if idle, waits a while for work. */
function flush() {
  scheduled = false;
  if (results.length > 0) post();
  flushed();
}

/** Sends the answers held as one message. */
export function post() {
  const batch = results;
  const list = transfers;
  const own = lists;
  results = [];
  transfers = [];
  lists = undefined;
  try {
    port.postMessage(batch, list);
  } catch {
    // Some output cannot be cloned: send them one by one, so only the bad ones fail.
    for (let i = 0; i < batch.length; i += RESULT_SLOTS) sendOne(batch, i, own?.get(i));
  }
}

/**
 * @param {unknown[]} batch
 * @param {number} i
 * @param {TransferListItem[] | undefined} list
 */
function sendOne(batch, i, list) {
  const id = batch[i];
  try {
    port.postMessage([id, batch[i + 1], batch[i + 2]], list ?? []);
  } catch (error) {
    const what = batch[i + 1] === OK ? 'output' : 'thrown value';
    const reason =
      /** @type {{ message?: unknown } | null | undefined} */ (error)?.message ?? error;
    const message =
      `the task's ${what} cannot be sent back from the worker thread: ${String(reason)} ` +
      '(results must be structured-cloneable: no functions, symbols, or objects holding them)';
    port.postMessage([id, ERROR, { name: 'DataCloneError', message }]);
  }
}
