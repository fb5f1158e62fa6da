// @ts-check
/* global AbortController */
/**
 * The code that runs inside every thread of `fromWorkerThread`. Plain JS with JSDoc types,
 * checked by TypeScript (`checkJs`): a Worker loads it as it is (under vitest too), from `src/`
 * or from `dist/`.
 *
 * It imports the worker module named in `workerData`, resolves the export (see `exportOf` and
 * `handlerOf`; a promise is awaited once), says `{ ready: true, exports: [names a run may
 * call] }` (or `{ failed: wireError, fatal }`, then ends; `fatal`: a new thread would fail the
 * same way) and then serves requests on the MessagePort it was given. The pool sends one message per microtask burst; the thread
 * answers in as few messages as its latency bounds allow (see `runAll`). The protocol:
 *
 * - main → thread: a flat array `[id, taskId, attempt, input, …]` (four slots a run; a
 *   negative attempt marks a run of another export, whose input slot is `[name, input]`),
 *   `{ abort: id, reason }` for a run whose task was cancelled or timed out, or `{ close: true }`
 *   when the pool stops an idle thread (see `exitFlushed`);
 * - thread → main: a flat array `[id, kind, value, …]` (three slots a result), where `kind` is
 *   `OK` (value), `ERROR` (a wire error: `{ name, message, stack, code }`) or `THROWN` (a thrown
 *   value that is not an Error, as it is).
 *
 * The constants of the protocol (result kinds, slots a run or result takes, where in `wake` the
 * run in progress, its start, the runs' length and the runs started are) come from
 * `protocol-constants.mjs`, as on the main side.
 */
import { syncBuiltinESMExports } from 'node:module';
import threads, { receiveMessageOnPort, workerData } from 'node:worker_threads';
import * as protocol from './protocol-constants.mjs';

// Bound once as constants of this module: the hot loop reads them as it reads its own.
const { TRANSFER, OK, ERROR, THROWN, REQUEST_SLOTS, RESULT_SLOTS } = protocol;
const { RUNNING_NOW, RUN_STARTED, RUN_LENGTH, LIMIT, STARTED, INDEX_MASK } = protocol;

/**
 * @typedef {import('node:worker_threads').MessagePort} MessagePort
 * @typedef {import('node:worker_threads').TransferListItem} TransferListItem
 * @typedef {typeof OK | typeof ERROR | typeof THROWN} ResultKind
 * @typedef {{ name: string, message: string, stack?: string, code?: string | number }} WireError
 * @typedef {{ [TRANSFER]: true, value: unknown, list: Iterable<TransferListItem> }} Transfer
 * @typedef {(input: unknown, ctx: ThreadTaskContext) => unknown} Handler
 * @typedef {Record<string, unknown>} Namespace
 */

/**
 * What `ThreadLink` gives the thread: the worker module and export, the port to serve, the
 * shared `wake` array (see `protocol-constants.mjs`), the main thread's `performance.timeOrigin`,
 * and the pool's own `workerData` for the module.
 *
 * @type {{ module: string, export: string, port: MessagePort, wake: Int32Array, epoch: number, data: unknown }}
 */
const { module: href, export: exportName, port, wake, epoch, data } = workerData;

/** This thread's `performance.now()` on the main thread's clock (whose origin is `epoch`). */
const shift = performance.timeOrigin - epoch;
/** A time (`performance.now()`) as the link reads it: whole µs on the main thread's clock, wrapping at 2³². */
const micros = (/** @type {number} */ now) => ((now + shift) * 1000) | 0;
/**
 * How long this thread's runs take, their synchronous part (ms): a moving average over about the
 * last 8, each counted as at most 4 × the average (+ 50 µs), so that one long run among short
 * ones does not make them all look long. The link sets how many runs it sends from it.
 */
let runLength = -1;

// The worker module sees the pool's `workerData` option as Node's own `workerData`, not this
// runtime's wiring: the builtin's export is replaced, and its ESM bindings synced, before the
// module is imported.
/** @type {{ workerData: unknown }} */ (threads).workerData = data;
syncBuiltinESMExports();

/**
 * Marks `value` so that the objects in `list` (ArrayBuffers, MessagePorts) are moved to the
 * main thread instead of copied: the marker of `transfer` in `transfer.ts`. Task code reaches it
 * as `ctx.transfer(value, list)`.
 *
 * @param {unknown} value
 * @param {Iterable<TransferListItem>} list
 * @returns {Transfer}
 */
function transfer(value, list) {
  return { [TRANSFER]: true, value, list };
}

/**
 * An Error (or anything thrown) as plain data that survives a structured clone intact.
 *
 * @param {Error & { code?: unknown }} error
 * @returns {WireError}
 */
function toWire(error) {
  /** @type {WireError} */
  const wire = { name: String(error.name), message: String(error.message) };
  if (typeof error.stack === 'string') wire.stack = error.stack;
  const code = error.code;
  if (typeof code === 'string' || typeof code === 'number') wire.code = code;
  return wire;
}

/**
 * A wire error from the main side back as an Error (an abort reason); anything else as it is.
 *
 * @param {unknown} reason
 */
function fromWire(reason) {
  if (reason === null || typeof reason !== 'object') return reason;
  const { name, message, stack } = /** @type {WireError} */ (reason);
  const error = new Error(message);
  error.name = name;
  if (stack !== undefined) error.stack = stack;
  return error;
}

/**
 * The `ctx` a task function gets: `{ signal, taskId, attempt, transfer }`. Its AbortController
 * is made only if the task reads `signal` (one costs microseconds; most tasks never look).
 */
class ThreadTaskContext {
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

/** The handler of the pool's export, once the module is loaded. @type {Handler} */
let task;
/**
 * Contexts of the runs in progress, by request id: the ones an abort can reach (`undefined`
 * while a run waits for its export's promise).
 *
 * @type {Map<number, ThreadTaskContext | undefined>}
 */
const running = new Map();
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

/**
 * @param {number} id
 * @param {ResultKind} kind
 * @param {unknown} value
 */
function settle(id, kind, value) {
  running.delete(id);
  if (results.length === 0) heldSince = performance.now();
  if (
    kind === OK &&
    value !== null &&
    typeof value === 'object' &&
    /** @type {Partial<Transfer>} */ (value)[TRANSFER] === true
  ) {
    const marked = /** @type {Transfer} */ (value);
    const list = Array.from(marked.list);
    (lists ??= new Map()).set(results.length, list);
    for (const item of list) transfers.push(item);
    value = marked.value;
  }
  results.push(id, kind, value);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(flush);
  }
}

/**
 * @param {number} id
 * @param {unknown} error
 */
function fail(id, error) {
  if (error instanceof Error) settle(id, ERROR, toWire(error));
  else settle(id, THROWN, error);
}

/** Sends every result gathered since the last flush as one message; then, if idle, waits a while for work. */
function flush() {
  scheduled = false;
  if (results.length > 0) post();
  if (running.size === 0 && !busy) waitForWork();
}

/**
 * How long an idle thread blocks waiting for its next input (ms) before it goes back to its
 * event loop. The main side bumps and notifies `wake` after each message, so a thread that
 * waits on it wakes at once, much sooner than through its event loop: a pool that gets its next
 * task within this time (a caller awaiting one task after another) pays no wake-up on this side.
 * Bounded, so the thread's own timers and I/O are never held up longer than this (piscina's
 * default waits without a bound). 2 ms was too short when several pools share the cores.
 */
const IDLE_WAIT_MS = 20;
/** In a batch, or already waiting: not the moment to block. */
let busy = false;

function waitForWork() {
  busy = true;
  try {
    let deadline = performance.now() + IDLE_WAIT_MS;
    for (;;) {
      const seen = Atomics.load(wake, 0);
      let entry = receiveMessageOnPort(port);
      if (entry !== undefined) {
        do {
          handle(entry.message);
          entry = receiveMessageOnPort(port);
        } while (entry !== undefined);
        if (results.length > 0) post();
        // Async tasks in progress: back to the event loop, which runs them (and closing too).
        if (running.size > 0 || closing) return;
        deadline = performance.now() + IDLE_WAIT_MS;
        continue;
      }
      const left = deadline - performance.now();
      if (left <= 0) return;
      // Flag first, then wait on the count read before the port was drained: a message posted
      // since then has changed the count, and the wait returns at once (see `Outbox.nudge`).
      Atomics.store(wake, 1, 1);
      const woke = Atomics.wait(wake, 0, seen, left);
      Atomics.store(wake, 1, 0);
      if (woke === 'timed-out') return;
    }
  } finally {
    busy = false;
  }
}

function post() {
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

/**
 * @param {number} id
 * @param {number} taskId
 * @param {number} attempt
 * @param {unknown} input
 */
function start(id, taskId, attempt, input) {
  // Started, unless the link revoked it first (it gave the task back to the pool): the link
  // marked it sent (`~id`) before posting it, and one of the two swaps that mark for its own.
  const slot = STARTED + (id & INDEX_MASK);
  if (Atomics.compareExchange(wake, slot, ~id, id) !== ~id) return;
  // A negative attempt marks a run of `callExport(name, input)`: its input is `[name, input]`.
  if (attempt < 0) {
    const call = /** @type {[string, unknown]} */ (input);
    startCall(id, taskId, -attempt, call[0], call[1]);
  } else run(task, id, taskId, attempt, input);
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
    fail(id, error);
    return;
  }
  wake[RUNNING_NOW] = -1;
  if (
    output !== null &&
    typeof output === 'object' &&
    typeof (/** @type {{ then?: unknown }} */ (output).then) === 'function'
  ) {
    /** @type {PromiseLike<unknown>} */ (output).then(
      (value) => settle(id, OK, value),
      (error) => fail(id, error),
    );
  } else {
    settle(id, OK, output);
  }
}

/**
 * Handlers of the exports runs have named (`callExport`), by name: resolved at their first run
 * (a promise of the handler while an export's promise is awaited).
 *
 * @type {Map<string, Handler | Promise<Handler>>}
 */
const callees = new Map();

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
function startCall(id, taskId, attempt, name, input) {
  let callee = callees.get(name);
  if (callee === undefined) {
    // Runs come only once the module is loaded.
    const namespace = /** @type {Namespace} */ (module);
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
    (error) => fail(id, error),
  );
}

/**
 * How long an answer may wait to go out with later ones (ms). While a thread works through
 * synchronous tasks, answers are sent together, each one held at most this long behind the
 * tasks after it — judged by the length of the task just run, so an answer can still wait for
 * one task longer than the ones before it. Every message the thread sends wakes the main
 * thread, which takes a core from the threads while it handles it (~60 µs of its CPU a wake-up
 * on the benchmarks' VM): with 1 ms tasks, 2 ms cost 2–3 % of the cores, and 8 ms still ~0.5 %
 * more than 16 (the main thread's CPU 31–42 → 21–29 ms per 2,000 tasks on 2 threads).
 */
const HOLD_MS = 16;
/**
 * Answers go out sooner when the runs this thread holds fall to half of what the pool may send
 * it (its lane limit: `LIMIT` in `wake`): the pool then sends the next runs while the thread works on the rest,
 * instead of after it has run dry. Judged, like `HOLD_MS`, with the next task taken to last as
 * long as the one just run, and not before this much (ms): a batch of tiny tasks, over long
 * before the pool could answer, still goes back as one message, while the answer of a 10 ms
 * task leaves before the next such task rather than after it.
 */
const REFILL_AFTER_MS = 0.25;

/** Half of the runs the link may have on this thread now (its lane limit, at most `concurrency`). */
const lowWater = () => /** @type {number} */ (wake[LIMIT]) >> 1;

/** When the oldest answer not sent yet was settled (`performance.now()`). */
let heldSince = 0;
/** Answers went out early to have the pool send more runs, and none have come since. */
let refillAsked = false;

/** @param {unknown} message */
function onMessage(message) {
  busy = true;
  try {
    handle(message);
  } finally {
    busy = false;
  }
}

/** @param {unknown} message */
function handle(message) {
  if (Array.isArray(message)) {
    refillAsked = false;
    runAll(message);
  } else control(message);
}

/**
 * A message that is no batch of runs: `{ abort: id, reason }` or `{ close: true }`.
 *
 * @param {unknown} message
 */
function control(message) {
  if (message === null || typeof message !== 'object') return;
  if ('abort' in message) {
    const { abort, reason } = /** @type {{ abort: number, reason: unknown }} */ (message);
    const ctx = running.get(abort);
    if (ctx !== undefined) ThreadTaskContext.abort(ctx, fromWire(reason));
  } else if (/** @type {{ close?: unknown }} */ (message).close === true) exitFlushed();
}

/** The pool stops this thread: no more runs. */
let closing = false;

/**
 * Ends the thread once what its tasks wrote has reached the main thread. A thread's stdout and
 * stderr are piped to the main thread asynchronously, a chunk at a time (the next one leaves
 * when the main thread has taken the last): terminated, the thread would lose what is still
 * buffered. The empty writes call back once everything before them was taken. Then it exits,
 * even if its tasks left timers or handles open; the pool terminates it if this takes too long.
 */
function exitFlushed() {
  if (closing) return;
  closing = true;
  port.off('message', onMessage);
  port.close();
  let streams = 2;
  const flushed = () => {
    if (--streams === 0) process.exit(0);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

/**
 * Starts the runs of a message, one after another, then those of every message already waiting
 * on the port (read here, without a turn of the event loop, so that answers are not sent once
 * per message of the pool's). Stops reading when an async task is in progress: its completion
 * needs the event loop. Answers go out per `HOLD_MS` and `REFILL_AFTER_MS`; what is left, in
 * the flush after this.
 *
 * @param {unknown[]} first
 */
function runAll(first) {
  let batch = first;
  let i = 0;
  let now = performance.now();
  for (;;) {
    if (i === batch.length) {
      if (running.size > 0) return;
      const entry = receiveMessageOnPort(port);
      if (entry === undefined) return;
      if (!Array.isArray(entry.message)) {
        control(entry.message);
        continue;
      }
      batch = entry.message;
      i = 0;
      refillAsked = false;
      continue;
    }
    const began = now;
    wake[RUN_STARTED] = micros(began);
    start(
      /** @type {number} */ (batch[i]),
      /** @type {number} */ (batch[i + 1]),
      /** @type {number} */ (batch[i + 2]),
      batch[i + 3],
    );
    i += REQUEST_SLOTS;
    now = performance.now();
    const took = now - began;
    if (runLength < 0) runLength = took;
    else runLength += (Math.min(took, 4 * runLength + 0.05) - runLength) / 8;
    wake[RUN_LENGTH] = runLength * 1000;
    if (results.length === 0) continue;
    // The next task is taken to last as long as this one did: how long what is held would have
    // waited by the end of it.
    const waited = now - heldSince + (now - began);
    if (waited >= HOLD_MS) post();
    else if (
      !refillAsked &&
      waited >= REFILL_AFTER_MS &&
      (batch.length - i) / REQUEST_SLOTS <= lowWater()
    ) {
      // Running low: take the runs already waiting on the port, and if that is still half or
      // less, have the pool send more.
      const entry = receiveMessageOnPort(port);
      if (entry !== undefined) {
        if (Array.isArray(entry.message)) {
          batch = batch.slice(i).concat(entry.message);
          i = 0;
        } else control(entry.message);
      }
      if ((batch.length - i) / REQUEST_SLOTS <= lowWater()) {
        post();
        refillAsked = true;
      }
    }
  }
}

/**
 * What a module that cannot be loaded failed with, by `code`: it cannot be found or resolved.
 * A new thread would fail the same way; so would one for a module that does not parse
 * (`SyntaxError`) or lacks the export. A module whose own top-level code throws may do better
 * on a restart (a file or a service not there yet): that failure is not marked fatal.
 */
const NOT_LOADABLE = new Set([
  'ERR_MODULE_NOT_FOUND',
  'MODULE_NOT_FOUND',
  'ERR_UNSUPPORTED_DIR_IMPORT',
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_UNSUPPORTED_ESM_URL_SCHEME',
  'ERR_INVALID_URL',
  'ERR_INVALID_MODULE_SPECIFIER',
  'ERR_INVALID_PACKAGE_CONFIG',
  'ERR_PACKAGE_PATH_NOT_EXPORTED',
  'ERR_PACKAGE_IMPORT_NOT_DEFINED',
  'ERR_REQUIRE_ESM',
  'ERR_UNKNOWN_MODULE_FORMAT',
]);

/**
 * @param {unknown} value
 * @returns {value is PromiseLike<unknown>}
 */
function isThenable(value) {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (/** @type {{ then?: unknown }} */ (value).then) === 'function'
  );
}

/**
 * The export `name` of a loaded module: the namespace's own, else (CommonJS) the property of
 * `module.exports` that Node did not list as a named export (it is the namespace's `default`).
 *
 * @param {Namespace} namespace
 * @param {string} name
 */
function exportOf(namespace, name) {
  if (name in namespace) return namespace[name];
  const cjs = namespace.default;
  return isPropertyBag(cjs) && name in cjs ? cjs[name] : undefined;
}

/**
 * A default export whose properties may be exports (CommonJS `module.exports`), not a promise.
 *
 * @param {unknown} value
 * @returns {value is Namespace}
 */
function isPropertyBag(value) {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    !isThenable(value)
  );
}

/**
 * A function to run from an export's value: the function itself, or the function under its
 * `default` — TypeScript's CommonJS (`exports.default = fn`, with `__esModule`), which Node
 * shows as `default: { __esModule, default: fn }`, or an awaited `import()` namespace.
 *
 * @param {unknown} value
 * @returns {Handler | undefined}
 */
function handlerOf(value) {
  if (typeof value === 'function') return /** @type {Handler} */ (value);
  if (value !== null && typeof value === 'object') {
    const inner = /** @type {{ default?: unknown }} */ (value).default;
    if (typeof inner === 'function') return /** @type {Handler} */ (inner);
  }
  return undefined;
}

/** The names a run can call: the module's exports (and a CommonJS module's properties) that are, or may become, functions. */
/** @param {Namespace} namespace */
function callableNames(namespace) {
  /** @type {Set<string>} */
  const names = new Set();
  const add = (/** @type {Namespace} */ source) => {
    for (const name of Object.keys(source)) {
      if (name === '__esModule') continue;
      const value = source[name];
      if (handlerOf(value) !== undefined || isThenable(value)) names.add(name);
    }
  };
  add(namespace);
  const cjs = namespace.default;
  if (isPropertyBag(cjs)) add(cjs);
  return [...names];
}

/** All the names a module exports, for an error message. */
/** @param {Namespace} namespace */
function exportNames(namespace) {
  const names = new Set(Object.keys(namespace));
  const cjs = namespace.default;
  if (isPropertyBag(cjs)) {
    for (const name of Object.keys(cjs)) if (name !== '__esModule') names.add(name);
  }
  return names.size > 0 ? [...names].join(', ') : 'none';
}

/** @param {unknown} value */
function describe(value) {
  return value === null ? 'null' : typeof value;
}

/**
 * @param {string} name
 * @param {unknown} value
 * @param {boolean} awaited
 */
function notAFunction(name, value, awaited) {
  return new TypeError(
    `worker module ${href} cannot be used: its export '${name}' ${awaited ? 'resolved to' : 'is'} ${describe(value)}, not a function`,
  );
}

/** Tells the main side why the module cannot be used, and ends. `fatal`: a new thread would fail the same way. */
/**
 * @param {WireError} failed
 * @param {boolean} fatal
 */
function refuse(failed, fatal) {
  port.postMessage({ failed, fatal });
  port.close();
}

/** The worker module's namespace, once loaded. @type {Namespace | undefined} */
let module;
try {
  module = await import(href);
} catch (error) {
  const cause = error instanceof Error ? toWire(error) : { name: 'Error', message: String(error) };
  const code = /** @type {{ code?: unknown } | null | undefined} */ (error)?.code;
  const fatal =
    error instanceof SyntaxError || (typeof code === 'string' && NOT_LOADABLE.has(code));
  refuse({ ...cause, message: `cannot load worker module ${href}: ${cause.message}` }, fatal);
}
if (module !== undefined) {
  const value = exportOf(module, exportName);
  let candidate = value;
  let failed;
  if (isThenable(value)) {
    // A promise of a handler (an async factory's result): awaited once, here.
    try {
      candidate = await value;
    } catch (error) {
      failed = error instanceof Error ? toWire(error) : { name: 'Error', message: String(error) };
      refuse(
        {
          ...failed,
          message: `worker module ${href} cannot be used: its export '${exportName}' is a promise that rejected: ${failed.message}`,
        },
        false,
      );
    }
  }
  if (failed === undefined) {
    const handler = handlerOf(candidate);
    if (handler !== undefined) {
      task = handler;
      port.on('message', onMessage);
      port.postMessage({ ready: true, exports: callableNames(module) });
    } else {
      const found =
        value === undefined && !(exportName in module)
          ? `it has no export '${exportName}' (its exports: ${exportNames(module)})`
          : `its export '${exportName}' ${candidate === value ? 'is' : 'resolved to'} ${describe(candidate)}`;
      refuse(
        {
          name: 'TypeError',
          message: `worker module ${href} cannot be used: ${found}; the option \`export\` must name a function exported by the module`,
        },
        true,
      );
    }
  }
}
