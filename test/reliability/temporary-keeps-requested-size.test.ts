/**
 * Under `restart: 'temporary'` a fixed pool's `getSnapshot().size` keeps the size asked for
 * while its workers go (`metrics.workers` counts who is left), and `resize(n)` adds seats until
 * there are `n` again. (A dynamic pool's size is its current target: it drops with the seat.)
 */
import { expect, it } from 'vitest';
import { createPool, createVirtualClock, WorkerCrashedError } from '@troupe/core';

it('a fixed temporary pool keeps its requested size as workers go; resize(n) refills it', async () => {
  const clock = createVirtualClock();
  const pool = createPool({
    worker: (n: number) => {
      if (n < 0) throw new WorkerCrashedError('broken');
      return n;
    },
    size: 2,
    clock,
    supervision: { restart: 'temporary' },
  }).start();
  await clock.advance(0);
  await pool.submit(-1);
  await clock.advance(100);
  expect(pool.getSnapshot().state).toBe('running');
  expect(pool.getSnapshot().size).toBe(2);
  expect(pool.getSnapshot().metrics.workers).toBe(1);
  expect(pool.getSnapshot().workers).toHaveLength(1);
  expect(await pool.run(5)).toBe(5);

  const resized = pool.resize(2);
  await clock.advance(0);
  await resized;
  expect(pool.getSnapshot().size).toBe(2);
  expect(pool.getSnapshot().metrics.workers).toBe(2);
  await pool.close();
});

it('a dynamic temporary pool shows its current target, which drops with the seat', async () => {
  const clock = createVirtualClock();
  const pool = createPool({
    worker: (n: number) => {
      if (n < 0) throw new WorkerCrashedError('broken');
      return n;
    },
    size: { min: 2, max: 4 },
    clock,
    supervision: { restart: 'temporary' },
  }).start();
  await clock.advance(0);
  await pool.submit(-1);
  await clock.advance(100);
  expect(pool.getSnapshot().size).toBe(1);
  expect(pool.getSnapshot().metrics.workers).toBe(1);
  await pool.close();
});
