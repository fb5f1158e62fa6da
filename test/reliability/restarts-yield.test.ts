/**
 * A restart always waits for the clock's next tick, even with no backoff: a setup that fails at
 * once under `maxRestarts: Infinity` and `backoff.minMs: 0` restarts once per tick, never in a
 * loop of microtasks, so timers, I/O and `close()` still run; and `close()` ends the restarts.
 */
import { expect, it } from 'vitest';
import { createPool, createVirtualClock, fromAsync, type PoolState } from '@troupe/core';
import { track } from '../../packages/core/test/support/pool-harness.js';
import { tagOf } from './support/observe.js';

/** Setups are made to succeed after this many, so that a loop that never yields still ends. */
const SAFETY_VALVE = 1_000;

function failingAtOnce() {
  const clock = createVirtualClock();
  const counts = { setups: 0 };
  const pool = createPool({
    worker: fromAsync({
      setup: () => {
        if (++counts.setups < SAFETY_VALVE) throw new Error('no database');
        return 'db';
      },
      run: async (n: number) => n,
    }),
    size: 1,
    clock,
    supervision: { maxRestarts: Infinity, backoff: { minMs: 0, maxMs: 0 } },
  });
  const states: PoolState[] = [];
  pool.state$.subscribe((state) => states.push(state));
  return { clock, pool, counts, states };
}

it('a setup failing at once with no backoff restarts once per clock tick, not in microtasks', async () => {
  const { clock, pool, counts } = failingAtOnce();
  pool.start();
  await clock.flush(); // every microtask runs, no timer fires
  expect(counts.setups).toBe(1);
  for (let tick = 1; tick <= 5; tick++) {
    expect(await clock.next()).toBe(true);
    expect(counts.setups).toBe(1 + tick);
  }
  expect(clock.now()).toBe(0);
  expect(pool.getSnapshot().state).toBe('starting');
  await pool.close();
});

it('close() ends the restarts: it resolves, the pool is stopped and no setup runs after', async () => {
  const { clock, pool, counts, states } = failingAtOnce();
  pool.start();
  for (let tick = 0; tick < 10; tick++) await clock.next();
  const closed = track(pool.close());
  await clock.flush();
  expect(closed.settled).toBe(1);
  expect(pool.getSnapshot().state).toBe('stopped');
  expect(states).toEqual(['stopped', 'starting', 'closing', 'stopped']);
  const setups = counts.setups;
  while (await clock.next());
  expect(counts.setups).toBe(setups);
  expect(counts.setups).toBeLessThan(SAFETY_VALVE);
});

it('close({ abort: true }) ends them with a task queued for a worker that never comes', async () => {
  const { clock, pool, counts } = failingAtOnce();
  pool.start();
  const queued = track(pool.submit(1));
  for (let tick = 0; tick < 10; tick++) await clock.next();
  const closed = track(pool.close({ abort: true }));
  await clock.flush();
  expect([closed.settled, pool.getSnapshot().state]).toEqual([1, 'stopped']);
  expect(tagOf(queued.value)).toBe('TaskCancelled');
  expect(counts.setups).toBeLessThan(SAFETY_VALVE);
});
