// @ts-check
/**
 * The constants of the wire protocol between a `ThreadLink` (main side, `protocol.ts`) and
 * `thread-runtime.mjs` and the modules beside it (the thread side): the one place both take them
 * from. Plain JS, so that a Worker can load the runtime and this module as they are, from `src/`
 * (tests) or `dist/`; type-checked with the rest of the package (`checkJs`).
 */

/** A result slot holds the task's value. */
export const OK = 0;
/** A result slot holds a wire error: the task threw (or rejected with) an Error. */
export const ERROR = 1;
/** A result slot holds a thrown value that is not an Error, as it is. */
export const THROWN = 2;

/**
 * Slots a run request takes in a main → thread batch: `id, taskId, attempt, input`. A run of
 * `callExport(name, input)` sends `-attempt` and `[name, input]`: no slot more for the others.
 */
export const REQUEST_SLOTS = 4;
/**
 * Added to (a `callExport` run: taken from) the attempt of a run of a traced pool, whose input
 * then goes as `[traceparent, tracestate, input]`: the W3C trace context of its run span, for
 * the run's code to run in (see `thread-trace.mjs`). Attempts stay far below it.
 */
export const TRACED = 2 ** 24;
/** Slots a result takes in a thread → main batch: `id, kind, value`. */
export const RESULT_SLOTS = 3;

/**
 * The shared `Int32Array` of a link and its thread: `[0]` counts the link's messages
 * and `[1]` is 1 while the thread waits for one (see `Outbox.nudge`). Then, a cache line (64
 * bytes) after the wake-up slots, which both sides touch on every message (the thread's stores
 * per run would otherwise contend with them):
 *
 * - `[RUNNING_NOW]`: the id of the run whose synchronous part the thread runs now (-1: none);
 * - `[RUN_STARTED]`: when the thread started its latest run, in whole µs of the main thread's
 *   clock (`performance.now()`), wrapping at 2³² (compare differences, `| 0`);
 * - `[RUN_LENGTH]`: the thread's moving average of its runs' synchronous length, µs;
 * - `[LIMIT]`: how many runs the link may have on the thread now (its lane limit), which the
 *   thread halves to know when to send answers early;
 * - `[STARTED + index]`: the state of the latest run under that index of the run table
 *   (`id & INDEX_MASK`): `~id` once the link sent it, `id` once the thread started it,
 *   `REVOKED` once the link took it back. The thread and the link each swap `~id` for their
 *   mark with `Atomics.compareExchange`: exactly one of them wins, so a run taken back never
 *   starts, and one started is never taken back (see `run-slots.mjs`).
 *
 * Plain writes otherwise, read by the link to see which run the thread is in and for how long
 * (a long run holding others behind it), and once the thread is gone: which runs it had started,
 * and which one it was in when it died.
 */
export const RUNNING_NOW = 16;
export const RUN_STARTED = 17;
export const RUN_LENGTH = 18;
export const LIMIT = 19;
export const STARTED = 20;
/** A run the link took back before the thread started it (never an id's `~id`: ids are ≥ 0 and < 2³⁰). */
export const REVOKED = -(2 ** 31);
/** The low bits of a run id: its index in the link's run table (`concurrency` is at most 1024). */
export const INDEX_MASK = 1023;

/**
 * The key of the transfer marker (`{ [TRANSFER]: true, value, list }`, see `transfer.ts`):
 * `Symbol.for`, so that the main thread and every worker thread make the same one.
 */
export const TRANSFER = Symbol.for('troupe.transfer');
