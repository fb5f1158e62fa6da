/**
 * Start and close are linear in size: a pool of 10,000 workers starts, runs a task on every
 * worker and closes on the virtual clock, conserving its counters, in seconds (work quadratic in
 * the size would take about a minute for 10,000). And the set of event types a
 * pool actor sees stays bounded however many workers restart and pools come and go (XState keeps
 * a transition cache entry per event type for good, shared by every pool).
 */
import { expect, it } from 'vitest';
import { createPool, createVirtualClock, WorkerCrashedError, type PoolOptions } from '@troupe/core';
import { conservationProblem } from './support/observe.js';

it('a pool of 10,000 workers starts, runs a task on each, closes and conserves', async () => {
  const clock = createVirtualClock();
  const size = 10_000;
  const pool = createPool({ worker: async (n: number) => n, size, clock });
  pool.start();
  await clock.advance(0);
  expect(pool.getSnapshot().state).toBe('running');
  expect(pool.getSnapshot().metrics.workers).toBe(size);
  const results = await Promise.all(Array.from({ length: size }, (_, i) => pool.run(i)));
  expect(results[size - 1]).toBe(size - 1);
  const closed = pool.close();
  await clock.advance(0);
  await closed;
  const snapshot = pool.getSnapshot();
  expect(snapshot.state).toBe('stopped');
  expect(snapshot.workers).toEqual([]);
  expect(snapshot.metrics).toMatchObject({ submitted: size, completed: size, workers: 0 });
  expect(conservationProblem(snapshot.metrics)).toBeUndefined();
});

it('the event types a pool actor sees do not grow with restarts or with pools', async () => {
  const clock = createVirtualClock();
  const types = new Set<string>();
  type InspectionEvent = Parameters<
    Extract<PoolOptions<number, number>['inspect'], (event: never) => void>
  >[0];
  const inspect = (event: InspectionEvent): void => {
    if (event.type === '@xstate.event') types.add(event.event.type);
  };
  const life = async (name: string, crashes: number): Promise<void> => {
    const pool = createPool({
      name,
      inspect,
      worker: (n: number) => {
        if (n < 0) throw new WorkerCrashedError('broken');
        return n;
      },
      size: 2,
      clock,
      supervision: { maxRestarts: 1, withinMs: 1, backoff: { minMs: 0, maxMs: 0 } },
    }).start();
    await clock.advance(0);
    for (let i = 0; i < crashes; i++) {
      await pool.submit(-1);
      await clock.advance(10);
    }
    await pool.submit(-1); // and once more, twice within the window: the pool fails
    await pool.submit(-1);
    await clock.advance(0);
    expect(pool.getSnapshot().state).toBe('failed');
    await pool.close();
  };
  await life('first', 3);
  const seen = types.size;
  for (let i = 0; i < 20; i++) await life(`pool-${i}`, 10);
  expect([...types].filter((type) => /first|pool-|-w\d/.test(type))).toEqual([]);
  expect(types.size).toBe(seen);
});
