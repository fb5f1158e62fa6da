import type {
  TaskContext,
  WorkerLogic,
  WorkerSetupContext,
  WorkerTeardownContext,
} from '../worker/worker-logic.js';

/** The parts of an in-process worker that owns a resource. */
export interface AsyncWorkerDefinition<TInput, TOutput, TResource> {
  /** Acquires the worker's resource (a connection, a page); runs once per worker start. */
  setup?: (ctx: WorkerSetupContext) => TResource | Promise<TResource>;
  /** Runs one task with the worker's resource in `ctx.resource`. */
  run: (input: TInput, ctx: TaskContext<TResource>) => TOutput | Promise<TOutput>;
  /** Tasks one worker runs at once (default 1), all with the same resource. */
  concurrency?: number;
  /** Releases the resource; runs when the worker stops, and after it crashed. */
  teardown?: (resource: TResource, ctx: WorkerTeardownContext) => void | Promise<void>;
}

/**
 * Adapts async functions into in-process worker logic.
 *
 * @example
 * const worker = fromAsync({
 *   setup: async () => openConnection(),
 *   run: async (sql: string, { resource: db, signal }) => db.query(sql, { signal }),
 *   teardown: async (db) => db.close(),
 * });
 */
export function fromAsync<TInput, TOutput, TResource = undefined>(
  definition: AsyncWorkerDefinition<TInput, TOutput, TResource>,
): WorkerLogic<TInput, TOutput, TResource> {
  return { kind: 'async', ...definition };
}
