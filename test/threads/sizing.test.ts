/**
 * A dynamic pool of thread workers (`size: { min, max, idleTimeoutMs }`), against real threads:
 * a burst starts threads up to `max` at once, idle ones above `min` stop after the idle timeout
 * (on the pool's virtual clock), down to none with `min: 0`, and nothing is left running after
 * close.
 */
import { describe, expect, it } from 'vitest';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { createPool, createVirtualClock } from '@troupe/core';
import { fromWorkerThread, threadStats } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture, nextEvent } from './support/threads.js';

expectNoThreadLeftAfterAll();

const tasks = fixture('tasks.mjs');

/**
 * A dynamic pool running the fixture's `later` on threads, one run a thread at a time (as the
 * adaptive default would not: `later` is async, its runs share a thread well), idle timeout 1 s
 * on a virtual clock.
 */
function laterPool(min: number, max: number) {
  const clock = createVirtualClock();
  const pool = createPool({
    worker: fromWorkerThread<{ id: number; delayMs: number }, number>(tasks, {
      export: 'later',
      concurrency: 1,
    }),
    size: { min, max, idleTimeoutMs: 1_000 },
    clock,
  }).start();
  return { clock, pool };
}

describe('a dynamic pool of threads', () => {
  it('grows to max threads for a burst, shrinks back to min once idle, and leaves none after close', async () => {
    const before = threadStats().live;
    const { clock, pool } = laterPool(1, 3);
    await nextEvent(pool, 'worker.started');
    expect(threadStats().live - before).toBe(1);

    // Nine tasks of 30 ms (in the threads' own time) on one thread: two more start at once.
    const inputs = Array.from({ length: 9 }, (_, id) => ({ id, delayMs: 30 }));
    const results = await Promise.all(inputs.map((input) => pool.run(input)));
    expect(results).toEqual(inputs.map((input) => input.id));
    expect(pool.getSnapshot().workers).toHaveLength(3);
    expect(threadStats().live - before).toBe(3);

    // Every thread idle first (on a busy machine the third may still be starting when the nine
    // results are in: its idle timeout would then begin after the clock moved on).
    await expect
      .poll(() => pool.getSnapshot().workers.every((w) => w.state === 'idle'), { timeout: 10_000 })
      .toBe(true);
    // Idle past the timeout: the two above min stop, their threads end.
    const stops = firstValueFrom(
      pool.events$.pipe(
        filter((event) => event.type === 'worker.stopped'),
        take(2),
        toArray(),
      ),
    );
    await clock.advance(1_000);
    await stops;
    expect(pool.getSnapshot().workers).toHaveLength(1);
    await expect.poll(() => threadStats().live - before).toBe(1);

    await expect(pool.run({ id: 42, delayMs: 0 })).resolves.toBe(42);
    await pool.close();
    expect(threadStats().live - before).toBe(0);
  });

  it('with min 0 holds no thread until there is work, and none again once idle', async () => {
    const before = threadStats().live;
    const { clock, pool } = laterPool(0, 2);
    await clock.flush();
    expect(pool.getSnapshot().state).toBe('running');
    expect(threadStats().live - before).toBe(0);

    await expect(pool.run({ id: 7, delayMs: 0 })).resolves.toBe(7);
    expect(threadStats().live - before).toBe(1);

    const stopped = nextEvent(pool, 'worker.stopped');
    await clock.advance(1_000);
    await stopped;
    expect(pool.getSnapshot().workers).toHaveLength(0);
    await expect.poll(() => threadStats().live - before).toBe(0);
    await pool.close();
  });
});
