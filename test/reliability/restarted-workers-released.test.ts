/**
 * A pool keeps only its live workers: a worker actor that reached `stopped` (after a crash, a
 * hang, a sibling restart or a close) is stopped and forgotten, so restarts leave nothing behind.
 * Workers are actors of the pool's system, not entries of its snapshot's `children` (only the
 * supervisor is).
 */
import { expect, it } from 'vitest';
import { createPool, createVirtualClock, WorkerCrashedError } from '@troupe/core';

it('a pool that replaced 500 crashed workers keeps only its live workers, and only its supervisor as a child', async () => {
  const clock = createVirtualClock();
  const pool = createPool({
    worker: (id: number) => {
      if (id % 2 === 0) throw new WorkerCrashedError('broken');
      return id;
    },
    size: 2,
    clock,
    supervision: { maxRestarts: Infinity, backoff: { minMs: 0, maxMs: 0, factor: 1, jitter: 0 } },
  }).start();
  await clock.flush();
  for (let i = 1; i <= 1_000; i++) {
    void pool.submit(i);
    await clock.advance(0); // a restart without backoff waits for the clock's next tick
  }
  expect(pool.getSnapshot().metrics.restarts).toBe(500);
  expect(pool.getSnapshot().workers).toHaveLength(2);
  expect(pool.actor.getSnapshot().context.table.workerCount).toBe(2);
  expect(Object.keys(pool.actor.getSnapshot().children)).toEqual(['supervisor']);
});

it('close() leaves no worker actor behind', async () => {
  const pool = createPool({ worker: async (n: number) => n, size: 4 }).start();
  await pool.run(1);
  await pool.close();
  expect(pool.actor.getSnapshot().context.table.workerCount).toBe(0);
  expect(pool.getSnapshot().workers).toEqual([]);
});
