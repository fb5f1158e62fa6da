import { UnrecoverableError, type WorkerLogic } from '@troupe/core';
import { resolveThreadOptions, type ThreadOptions } from './thread-options.js';
import { ThreadLink } from './thread-link.js';
import type { StallWatch } from './stall-watch.js';
import type { ThreadResource } from './thread-resource.js';

/**
 * Adapts a worker module into worker logic whose workers are worker threads: for CPU-bound
 * work. The module (ESM or CommonJS) exports plain (sync or async) functions
 * `(input, ctx) => output`, or promises of them; in the thread `ctx` is
 * `{ signal, taskId, attempt, transfer }`. A task runs the `export` option's function, or the
 * one its input names with `callExport`. Inputs and outputs are structured-cloned (mark them
 * with `transfer` to move buffers instead). A module that cannot be loaded (not found, does not
 * parse, lacks the export) fails the pool at once, without restarts.
 *
 * Each worker is one thread. A thread that dies (an uncaught exception, an unhandled
 * rejection, `process.exit`, out of memory) crashes its worker: the pool's supervisor restarts
 * it. A task cancelled or timed out while it runs has its thread terminated — the only way to
 * stop JavaScript — and the worker replaced (the abort is also forwarded to the task's
 * `ctx.signal` in the thread, for code that is still able to see it). Only the run to blame is
 * charged for a thread's end: the others on it go back to the front of the queue. An input
 * that cannot be cloned (or a bad transfer list) settles `TaskRejected` (`invalid-input`); an
 * output that cannot, `TaskFailed`. A pool keeps the process alive while tasks are in flight
 * on its threads, and not when idle; `close()` stops the threads, an idle one by having it exit
 * once what its tasks wrote to stdout and stderr is through.
 *
 * @example
 * // resize.worker.mjs: export async function resize(image, ctx) { … return ctx.transfer(out, [out.buffer]); }
 * const pool = createPool({
 *   worker: fromWorkerThread<Image, Uint8Array>(new URL('./resize.worker.mjs', import.meta.url), {
 *     export: 'resize',
 *   }),
 *   size: 2,
 * }).start();
 */
export function fromWorkerThread<TInput, TOutput>(
  module: URL | string,
  options: ThreadOptions = {},
): WorkerLogic<TInput, TOutput, ThreadResource> {
  const config = resolveThreadOptions(module, options);
  // Its threads' stall watches, which look at each other before giving runs back.
  const watches = new Set<StallWatch>();
  return {
    kind: 'thread',
    concurrency: config.concurrency,
    // A run's thenable (PendingRun) calls back once, never during `then`: the pool may keep its
    // bound handlers instead of adopting each run as a foreign thenable.
    answersOnce: true,
    setup: async (ctx) => {
      ctx.signal.throwIfAborted();
      let link: ThreadLink;
      try {
        link = new ThreadLink(config, ctx, watches);
      } catch (error) {
        // Node refused the `execArgv` option: every thread would be refused the same way.
        if ((error as { code?: unknown } | null)?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV')
          throw error;
        throw new UnrecoverableError(
          `worker threads for ${config.href} cannot start: ${(error as Error).message} (the option \`execArgv\` may hold only options a thread can take)`,
          { cause: error },
        );
      }
      await link.ready;
      return link;
    },
    run: (input, ctx, trace) =>
      (ctx.resource as ThreadLink).send(input, ctx, trace) as PromiseLike<TOutput>,
    teardown: (resource) => (resource as ThreadLink).close(),
  };
}
