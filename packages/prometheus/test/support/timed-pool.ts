/**
 * A pool whose tasks say how long they take on a virtual clock and how they end, so a test knows
 * every duration and outcome it will scrape.
 */
import {
  createPool,
  WorkerCrashedError,
  type PoolOptions,
  type TaskResult,
  type VirtualClock,
} from '@troupe/core';

/** A task: take `ms` of virtual time, then return, throw, or crash the worker. */
export interface Job {
  readonly ms: number;
  readonly end?: 'ok' | 'fail' | 'crash';
}

export type JobPool = ReturnType<typeof timedPool>;

export function timedPool(
  clock: VirtualClock,
  name: string,
  options: Partial<Omit<PoolOptions<Job, number>, 'worker' | 'clock' | 'name'>> = {},
) {
  return createPool<Job, number>({
    size: 1,
    ...options,
    name,
    clock,
    // Restarts after a crash come quickly, so a test need not wait out a long backoff.
    supervision: { backoff: { minMs: 1, maxMs: 1 } },
    worker: ({ ms, end = 'ok' }: Job) =>
      new Promise<number>((resolve, reject) =>
        clock.setTimeout(() => {
          if (end === 'fail') reject(new Error('the task failed'));
          else if (end === 'crash') reject(new WorkerCrashedError('the resource broke'));
          else resolve(ms);
        }, ms),
      ),
  }).start();
}

/** Submits `job`, advances the clock until it can have settled (and a bit), and returns its result. */
export async function runJob(
  clock: VirtualClock,
  pool: JobPool,
  job: Job,
): Promise<TaskResult<number>> {
  const result = pool.submit(job);
  await clock.advance(job.ms + 10);
  return result;
}
