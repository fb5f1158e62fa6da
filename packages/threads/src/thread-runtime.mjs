// @ts-check
/**
 * The code that runs inside every thread of `fromWorkerThread`: the module a Worker is started
 * on. Plain JS with JSDoc types, checked by TypeScript (`checkJs`): a Worker loads it, and the
 * `.mjs` modules beside it, as they are (under vitest too), from `src/` or from `dist/`.
 *
 * It imports the worker module named in `workerData` and resolves the export
 * (`load-worker-module.mjs`), says `{ ready: true, exports: [names a run may call] }` (or
 * `{ failed: wireError, fatal }`, then ends; `fatal`: a new thread would fail the same way) and
 * then serves requests on the MessagePort it was given (`message-loop.mjs`). The pool sends one
 * message per microtask burst; the thread answers in as few messages as its latency bounds
 * allow (see `runAll` in `message-loop.mjs`). The protocol:
 *
 * - main → thread: a flat array `[id, taskId, attempt, input, …]` (four slots a run; a
 *   negative attempt marks a run of another export, whose input slot is `[name, input]`),
 *   `{ abort: id, reason }` for a run whose task was cancelled or timed out, or `{ close: true }`
 *   when the pool stops an idle thread (see `exitFlushed` in `message-loop.mjs`);
 * - thread → main: a flat array `[id, kind, value, …]` (three slots a result), where `kind` is
 *   `OK` (value), `ERROR` (a wire error: `{ name, message, stack, code }`) or `THROWN` (a thrown
 *   value that is not an Error, as it is).
 *
 * The constants of the protocol (result kinds, slots a run or result takes, where in `wake` the
 * run in progress, its start, the runs' length and the runs started are) come from
 * `protocol-constants.mjs`, as on the main side; a run starts or is taken back by the
 * compare-and-swap in `run-slots.mjs`.
 *
 * The thread's modules, by concern: `thread-wiring.mjs` (what the link gives the thread),
 * `load-worker-module.mjs` and `export-resolution.mjs` (the worker module and its exports),
 * `message-loop.mjs` (messages in, runs started, the idle wait), `run-task.mjs` and
 * `thread-task-context.mjs` (one run, its `ctx`), `answers.mjs` (results out, batched),
 * `transfer-marker.mjs` (`ctx.transfer`), `wire-errors.mjs` (errors as plain data).
 */
import { callableNames } from './export-resolution.mjs';
import { loadWorkerModule } from './load-worker-module.mjs';
import { serve } from './message-loop.mjs';
import { useModule } from './run-task.mjs';
import { port } from './thread-wiring.mjs';

const loaded = await loadWorkerModule();
if (loaded !== undefined) {
  useModule(loaded.namespace, loaded.handler);
  serve();
  port.postMessage({ ready: true, exports: callableNames(loaded.namespace) });
}
