/** A size-1 pool held by a gate task, so that everything submitted after it queues. */
import { expect } from 'vitest';
import {
  createPool,
  createVirtualClock,
  type Pool,
  type PoolOptions,
  type QueueOptions,
  type SubmitOptions,
  type TaskResult,
} from '@troupe/core';

type Result = TaskResult<string>;

/** The priority queue with its defaults. */
export const PRIORITY = { kind: 'priority' } as const;

/**
 * A size-1 pool on a virtual clock whose worker records the order tasks start in. `blocked()`
 * submits a `gate` task that holds the only worker until `open()`, so that everything
 * submitted after it queues.
 */
export function gatedPool(queue: QueueOptions, extra: Partial<PoolOptions<string, string>> = {}) {
  const clock = createVirtualClock();
  const order: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const pool: Pool<string, string> = createPool({
    worker: async (job: string) => {
      order.push(job);
      if (job === 'gate') await gate;
      if (job.startsWith('fail')) throw new Error(job);
      return job;
    },
    size: 1,
    clock,
    queue,
    ...extra,
  }).start();
  // The gate's result comes back wrapped: an async function would otherwise wait for it.
  const blocked = async (options?: SubmitOptions): Promise<{ gate: Promise<Result> }> => {
    await clock.flush(); // the worker is ready
    const gate = pool.submit('gate', options);
    expect(pool.getSnapshot().metrics.active).toBe(1);
    return { gate };
  };
  const submitAll = (jobs: readonly (readonly [string, number])[]): Promise<Result>[] =>
    jobs.map(([job, priority]) => pool.submit(job, { priority, id: job }));
  /** Opens the gate and waits for everything to run. */
  const drain = async (): Promise<void> => {
    open();
    await pool.onIdle();
  };
  return { clock, order, pool, blocked, submitAll, drain };
}
