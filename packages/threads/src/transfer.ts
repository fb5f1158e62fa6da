import type { TransferListItem } from 'node:worker_threads';

/** The key of the transfer marker; `Symbol.for`, so the thread runtime makes the same one. */
export const TRANSFER: unique symbol = Symbol.for('troupe.transfer');

/** A value marked with `transfer`: what the marker looks like (on both sides of the thread). */
export interface Transfer<T> {
  readonly [TRANSFER]: true;
  readonly value: T;
  readonly list: readonly TransferListItem[];
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
  const marked: Transfer<T> = { [TRANSFER]: true, value, list };
  return marked as unknown as T;
}

/** `true` for a value made by `transfer`. */
export function isTransfer(value: unknown): value is Transfer<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { [TRANSFER]?: unknown })[TRANSFER] === true
  );
}
