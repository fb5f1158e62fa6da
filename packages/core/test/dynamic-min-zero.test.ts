/**
 * A dynamic pool whose `min` is 0 may lose its last worker for good (`restart: 'temporary'`)
 * and run on empty, as the supervision guide says — also when `resize({ min: 0 })` lowered its
 * `min` to 0 after it was made.
 */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, WorkerCrashedError } from '@troupe/core';

function crashingPool(min: number) {
  const clock = createVirtualClock();
  const pool = createPool({
    worker: async (n: number) => {
      if (n < 0) throw new WorkerCrashedError('the worker broke');
      return n;
    },
    size: { min, max: 1 },
    supervision: { restart: 'temporary' },
    clock,
  }).start();
  return { pool, clock };
}

describe('a dynamic pool with min 0 and temporary workers', () => {
  it('runs on after its last worker crashes, and starts one again on demand', async () => {
    const { pool, clock } = crashingPool(0);
    await clock.flush();
    await pool.run(1);
    await pool.submit(-1);
    await clock.flush();
    expect(pool.getSnapshot().state).toBe('running');
    expect(await pool.run(2)).toBe(2);
    await pool.close();
  });

  it('does the same when resize({ min: 0 }) lowered min after the pool was made', async () => {
    const { pool, clock } = crashingPool(1);
    await clock.flush();
    await pool.resize({ min: 0, max: 1 });
    await pool.submit(-1);
    await clock.flush();
    expect(pool.getSnapshot().state).toBe('running');
    expect(await pool.run(2)).toBe(2);
    await pool.close();
  });
});
