import type { Clock, TaskContext, WorkerLogic } from '@troupe/core';
import { playBehaviour, type TestTask } from '../behaviour.js';

/** What the scripted worker tells its harness as tasks run. */
export interface RunHooks {
  /** A run starts; returns the function that ends it (called once, whichever comes first). */
  started(task: TestTask, ctx: TaskContext<undefined>): () => void;
  /** A behaviour set a timer of its own (not the pool's). */
  timer(handle: unknown): void;
}

/** The workers of a pool under test: their `crash` by worker id, while they are up. */
export type Crashers = Map<string, (cause: unknown) => void>;

/** The error a worker crashed from outside by the check gets. */
export class CrashedByTestError extends Error {
  override readonly name = 'CrashedByTestError';
  constructor(workerId: string) {
    super(`worker ${workerId} crashed by the test (its resource broke)`);
  }
}

/**
 * The test kit's worker logic: plays each task's behaviour on the clock and reports each run's
 * start and end (its answer, its abort, whichever first); keeps each worker's `crash`.
 */
export function scriptedWorker(
  clock: Clock,
  hooks: RunHooks,
  crashers: Crashers,
): WorkerLogic<TestTask, number, undefined> {
  return {
    kind: 'testkit',
    setup(ctx) {
      crashers.set(ctx.workerId, ctx.crash);
      return undefined;
    },
    run(task, ctx) {
      const end = hooks.started(task, ctx);
      ctx.onAbort(end);
      return playBehaviour(task, ctx, clock, (handle) => hooks.timer(handle), end);
    },
    teardown(_resource, ctx) {
      crashers.delete(ctx.workerId);
    },
  };
}
