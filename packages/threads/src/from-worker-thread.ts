import type { WorkerLogic } from '@troupe/core';
import { resolveThreadOptions, type ThreadOptions } from './thread-options.js';
import { ThreadLink, type ThreadResource } from './thread-link.js';

/**
 * Adapts a worker module into worker logic whose workers are worker threads: for CPU-bound
 * work. The module exports plain (sync or async) functions `(input, ctx) => output`; in the
 * thread `ctx` is `{ signal, taskId, attempt, transfer }`. Inputs and outputs are
 * structured-cloned (mark them with `transfer` to move buffers instead).
 *
 * Each worker is one thread. A thread that dies (an uncaught exception, an unhandled
 * rejection, `process.exit`, out of memory) crashes its worker: the pool's supervisor restarts
 * it. A task cancelled or timed out while it runs has its thread terminated — the only way to
 * stop JavaScript — and the worker replaced (the abort is also forwarded to the task's
 * `ctx.signal` in the thread, for code that is still able to see it). An input that cannot be
 * cloned settles `TaskRejected` (`invalid-input`); an output that cannot, `TaskFailed`. An idle pool's
 * threads do not keep the process alive; `close()` terminates them.
 *
 * @example
 * // resize.worker.mjs: export async function resize(image, ctx) { … return ctx.transfer(out, [out.buffer]); }
 * const pool = createPool({
 *   worker: fromWorkerThread<Image, Uint8Array>(new URL('./resize.worker.mjs', import.meta.url), {
 *     export: 'resize',
 *     concurrency: 32,
 *   }),
 *   size: 2,
 * }).start();
 */
export function fromWorkerThread<TInput, TOutput>(
  module: URL | string,
  options: ThreadOptions = {},
): WorkerLogic<TInput, TOutput, ThreadResource> {
  const config = resolveThreadOptions(module, options);
  return {
    kind: 'thread',
    concurrency: config.concurrency,
    setup: async (ctx) => {
      ctx.signal.throwIfAborted();
      const link = new ThreadLink(config, ctx);
      await link.ready;
      return link;
    },
    run: (input, ctx) => (ctx.resource as ThreadLink).send(input, ctx) as PromiseLike<TOutput>,
    teardown: (resource) => (resource as ThreadLink).close(),
  };
}
