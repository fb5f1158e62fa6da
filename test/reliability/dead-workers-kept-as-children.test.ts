// Regression: a worker actor that reached `stopped` (after a crash, a hang, a sibling restart or a
// close) must leave the pool actor's children, or every restart leaves one behind (unbounded
// growth, and each later spawn copies the children record).
import { expect, it } from 'vitest';
import { createPool, createVirtualClock, WorkerCrashedError } from '@troupe/core';

it('a pool that replaced 500 crashed workers keeps only its live workers (and its supervisor) as children', async () => {
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
    await clock.flush();
  }
  expect(pool.getSnapshot().metrics.restarts).toBe(500);
  expect(pool.getSnapshot().workers).toHaveLength(2);
  expect(Object.keys(pool.actor.getSnapshot().children)).toHaveLength(3);
});

it('close() leaves no dead worker actors behind', async () => {
  const pool = createPool({ worker: async (n: number) => n, size: 4 }).start();
  await pool.run(1);
  await pool.close();
  const children = Object.entries(pool.actor.getSnapshot().children).filter(
    ([id]) => id !== 'pool-supervisor',
  );
  // got ['pool-w1', 'pool-w2', 'pool-w3', 'pool-w4'], every one in state 'stopped'
  expect(children.map(([id]) => id)).toEqual([]);
});
