// @ts-check
/**
 * What `ThreadLink` gives the thread, in `workerData`: the worker module and export, the port to
 * serve, the shared `wake` array (see `protocol-constants.mjs`), the main thread's
 * `performance.timeOrigin`, and the pool's own `workerData` for the module. Read once, as this
 * module is evaluated: before `load-worker-module.mjs` hands the worker module the pool's
 * `workerData` in place of this wiring (every module the runtime imports is evaluated before the
 * runtime's own code runs).
 */
import { workerData } from 'node:worker_threads';

/**
 * @typedef {import('node:worker_threads').MessagePort} MessagePort
 */

/** @type {{ module: string, export: string, port: MessagePort, wake: Int32Array, epoch: number, data: unknown }} */
const wiring = workerData;

/** The worker module's URL. */
export const href = wiring.module;
/** The export the pool runs (`callExport` names others). */
export const exportName = wiring.export;
/** The thread's end of the link's channel. */
export const port = wiring.port;
/** Shared with the link: its wake-up counter, and where each run stands (see `protocol-constants.mjs`). */
export const wake = wiring.wake;
/** The pool's `workerData` option, for the worker module. */
export const data = wiring.data;

/** This thread's `performance.now()` on the main thread's clock (whose origin is `epoch`). */
const shift = performance.timeOrigin - wiring.epoch;
/** A time (`performance.now()`) as the link reads it: whole µs on the main thread's clock, wrapping at 2³². */
export const micros = (/** @type {number} */ now) => ((now + shift) * 1000) | 0;
