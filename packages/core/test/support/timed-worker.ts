/** A pool on a virtual clock whose worker takes `input` ms of virtual time and records its starts. */
import { createPool, createVirtualClock, type Pool, type PoolOptions } from '@troupe/core';

export function timedPool(options: Partial<PoolOptions<number, number>> = {}): {
  pool: Pool<number, number>;
  clock: ReturnType<typeof createVirtualClock>;
  started: number[];
} {
  const clock = createVirtualClock();
  const started: number[] = [];
  const pool = createPool<number, number>({
    clock,
    worker: (ms: number) => {
      started.push(ms);
      return new Promise<number>((resolve) => clock.setTimeout(() => resolve(ms), ms));
    },
    ...options,
  });
  return { pool, clock, started };
}
