// @ts-check
/**
 * Running the tasks the link sends: each run starts only if the link has not taken it back
 * (`claimRun`, see `run-slots.mjs`), calls the pool's export (or the one its input names with
 * `callExport`) with a `ThreadTaskContext`, and hands its result to `answers.mjs`. While the
 * synchronous part of a run is in progress, `wake[RUNNING_NOW]` says which run it is: should the
 * thread die or stall there, the link knows which one to blame.
 */
import * as protocol from './protocol-constants.mjs';
import { fail, settle } from './answers.mjs';
import { exportOf, handlerOf, isThenable, notAFunction } from './export-resolution.mjs';
import { claimRun } from './run-slots.mjs';
import { ThreadTaskContext } from './thread-task-context.mjs';
import { remoteContext, traceApi } from './thread-trace.mjs';
import * as wiring from './thread-wiring.mjs';
import { fromWire } from './wire-errors.mjs';

// Bound once as constants of this module: the hot paths read them as they read their own.
const { OK, RUNNING_NOW, RUN_STARTED, TRACED } = protocol;
const { micros, wake } = wiring;

/**
 * @typedef {import('./export-resolution.mjs').Handler} Handler
 * @typedef {import('./export-resolution.mjs').Namespace} Namespace
 */

/** The handler of the pool's export, once the module is loaded. @type {Handler} */
let task;
/** The worker module's namespace, once loaded. @type {Namespace} */
let namespace;
/**
 * Contexts of the runs in progress, by request id: the ones an abort can reach (`undefined`
 * while a run waits for its export's promise).
 *
 * @type {Map<number, ThreadTaskContext | undefined>}
 */
const running = new Map();
/**
 * Handlers of the exports runs have named (`callExport`), by name: resolved at their first run
 * (a promise of the handler while an export's promise is awaited).
 *
 * @type {Map<string, Handler | Promise<Handler>>}
 */
const callees = new Map();

/**
 * The loaded worker module, and the handler of the pool's export: runs may come now.
 *
 * @param {Namespace} loaded
 * @param {Handler} handler
 */
export function useModule(loaded, handler) {
  namespace = loaded;
  task = handler;
}

/** Runs in progress: started, not answered yet. */
export function inProgress() {
  return running.size;
}

/**
 * Starts one run the link sent, unless the link took it back first (it gave the task back to
 * the pool).
 *
 * @param {number} id
 * @param {number} taskId
 * @param {number} attempt
 * @param {unknown} input
 */
export function runTask(id, taskId, attempt, input) {
  // The link marked it sent (`~id`) before posting it, and one of the two swaps that mark for its own.
  if (!claimRun(wake, id)) return;
  // An attempt past ±TRACED marks a run of a traced pool: its input is `[traceparent, tracestate, input]`.
  if (attempt >= TRACED || attempt <= -TRACED) runTraced(id, taskId, attempt, input);
  else start(id, taskId, attempt, input);
}

/**
 * Starts a claimed run: a negative attempt marks a run of `callExport(name, input)`, whose input
 * is `[name, input]`.
 *
 * @param {number} id
 * @param {number} taskId
 * @param {number} attempt
 * @param {unknown} input
 */
function start(id, taskId, attempt, input) {
  if (attempt < 0) {
    const call = /** @type {[string, unknown]} */ (input);
    runExport(id, taskId, -attempt, call[0], call[1]);
  } else run(task, id, taskId, attempt, input);
}

/**
 * Starts a claimed run of a traced pool in the context of its run span (once the API is loaded:
 * the run is in progress meanwhile, as one waiting for its export's promise).
 *
 * @param {number} id
 * @param {number} taskId
 * @param {number} attempt
 * @param {unknown} traced `[traceparent, tracestate, input]`
 */
function runTraced(id, taskId, attempt, traced) {
  const [traceparent, tracestate, input] = /** @type {[string, string | undefined, unknown]} */ (
    traced
  );
  const untraced = attempt > 0 ? attempt - TRACED : attempt + TRACED;
  /** @param {import('./thread-trace.mjs').Api | null} otel */
  const startIn = (otel) => {
    const parent = otel === null ? undefined : remoteContext(otel, traceparent, tracestate);
    if (otel === null || parent === undefined) start(id, taskId, untraced, input);
    else otel.context.with(parent, start, undefined, id, taskId, untraced, input);
  };
  const otel = traceApi();
  if (!(otel instanceof Promise)) return startIn(otel);
  running.set(id, undefined);
  void otel.then((loaded) => {
    wake[RUN_STARTED] = micros(performance.now());
    startIn(loaded);
  });
}

/**
 * The main side forwarded an abort of run `id` (its reason as wire data): its task's
 * `ctx.signal` aborts, if the run is still in progress.
 *
 * @param {number} id
 * @param {unknown} reason
 */
export function abortRun(id, reason) {
  const ctx = running.get(id);
  if (ctx !== undefined) ThreadTaskContext.abort(ctx, fromWire(reason));
}

/**
 * @param {Handler} fn
 * @param {number} id
 * @param {number} taskId
 * @param {number} attempt
 * @param {unknown} input
 */
function run(fn, id, taskId, attempt, input) {
  const ctx = new ThreadTaskContext(taskId, attempt);
  running.set(id, ctx);
  // Should the thread die or stall now, the main side knows this run was the one running.
  wake[RUNNING_NOW] = id;
  let output;
  try {
    output = fn(input, ctx);
  } catch (error) {
    wake[RUNNING_NOW] = -1;
    failed(id, error);
    return;
  }
  wake[RUNNING_NOW] = -1;
  if (
    output !== null &&
    typeof output === 'object' &&
    typeof (/** @type {{ then?: unknown }} */ (output).then) === 'function'
  ) {
    /** @type {PromiseLike<unknown>} */ (output).then(
      (value) => done(id, value),
      (error) => failed(id, error),
    );
  } else {
    done(id, output);
  }
}

/**
 * Run `id` returned (or resolved to) `value`: no longer in progress, its answer held.
 *
 * @param {number} id
 * @param {unknown} value
 */
function done(id, value) {
  running.delete(id);
  settle(id, OK, value);
}

/**
 * Run `id` threw (or rejected with) `error`.
 *
 * @param {number} id
 * @param {unknown} error
 */
function failed(id, error) {
  running.delete(id);
  fail(id, error);
}

/**
 * Runs the export `name` (one of those the thread listed when it said it was ready: the main
 * side checked). A promise export is awaited at its first run; the runs meanwhile wait for it.
 *
 * @param {number} id
 * @param {number} taskId
 * @param {number} attempt
 * @param {string} name
 * @param {unknown} input
 */
function runExport(id, taskId, attempt, name, input) {
  let callee = callees.get(name);
  if (callee === undefined) {
    callee = handlerOf(exportOf(namespace, name));
    if (callee === undefined) {
      const value = exportOf(namespace, name);
      callee = isThenable(value)
        ? Promise.resolve(value).then((resolved) => {
            const handler = handlerOf(resolved);
            if (handler === undefined) throw notAFunction(name, resolved, true);
            callees.set(name, handler);
            return handler;
          })
        : Promise.reject(notAFunction(name, value, false));
    }
    callees.set(name, callee);
  }
  if (typeof callee === 'function') {
    run(callee, id, taskId, attempt, input);
    return;
  }
  // In progress (keeps the thread on its event loop) until the export's promise settles.
  running.set(id, undefined);
  callee.then(
    (handler) => {
      wake[RUN_STARTED] = micros(performance.now());
      run(handler, id, taskId, attempt, input);
    },
    (error) => failed(id, error),
  );
}
