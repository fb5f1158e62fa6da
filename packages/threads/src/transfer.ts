import type { TransferListItem } from 'node:worker_threads';
import { InvalidOptionError } from '@troupe/core';
import { TRANSFER } from './protocol-constants.mjs';

/** The key of the transfer marker (shared with the thread runtime). */
export { TRANSFER };

/** A value marked with `transfer` or `callExport`: what the marker looks like (on both sides of the thread). */
export interface Transfer<T> {
  readonly [TRANSFER]: true;
  readonly value: T;
  readonly list: readonly TransferListItem[];
  /** The export to run it (set by `callExport`); the pool's `export` option when absent. */
  readonly export?: string;
}

/**
 * Marks a task input (or, inside a thread, an output) so that the ArrayBuffers and
 * MessagePorts in `list` are moved to the other thread instead of copied: fast for large
 * buffers, and the sender's copies are detached (`byteLength` 0) afterwards.
 *
 * Only the top-level input or output may be marked. The marker is the plain object
 * `{ [Symbol.for('troupe.transfer')]: true, value, list }`; a worker module makes the same one
 * with `ctx.transfer(value, list)`. Typed as `T` so that a pool of `T` inputs accepts it.
 * A retried task has lost its transferred buffers: do not combine transfer with `retry`.
 *
 * @example
 * const pixels = new Uint8Array(1 << 20);
 * await pool.run(transfer(pixels, [pixels.buffer])); // pixels.byteLength is 0 now
 */
export function transfer<T>(value: T, list: readonly TransferListItem[]): T {
  if (isTransfer(value) && value.export !== undefined) {
    // transfer(callExport(name, input), list): one marker for both.
    const marked: Transfer<unknown> = {
      [TRANSFER]: true,
      value: value.value,
      list,
      export: value.export,
    };
    return marked as unknown as T;
  }
  const marked: Transfer<T> = { [TRANSFER]: true, value, list };
  return marked as unknown as T;
}

/**
 * Marks a task input to be run by the worker module's export `name` instead of the one the
 * `export` option names: one pool, one thread per worker, several functions (piscina's
 * `run(input, { name })`). Any function the module exports can be named, or a promise of one
 * (awaited at its first run). A name the module does not export settles the task
 * `TaskRejected` (`invalid-input`) naming the module's exports; the thread never sees it.
 * Combines with `transfer` either way round. Typed as `T` so that a pool of `T` inputs accepts it.
 *
 * @example
 * // image.worker.mjs: export function resize(img) { … }  export function blur(img) { … }
 * const pool = createPool({ worker: fromWorkerThread<Image, Image>(url, { export: 'resize' }) }).start();
 * await pool.run(image); // resize
 * await pool.run(callExport('blur', image)); // blur, on the same threads
 */
export function callExport<T>(name: string, input: T): T {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidOptionError(
      'export',
      name,
      "a non-empty string: the name of the worker module's exported function",
    );
  }
  const marked: Transfer<unknown> = isTransfer(input)
    ? { [TRANSFER]: true, value: input.value, list: input.list, export: name }
    : { [TRANSFER]: true, value: input, list: [], export: name };
  return marked as unknown as T;
}

/** `true` for a value made by `transfer` or `callExport`. */
export function isTransfer(value: unknown): value is Transfer<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { [TRANSFER]?: unknown })[TRANSFER] === true
  );
}
