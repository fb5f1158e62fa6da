/**
 * `rate: { limit, intervalMs }`: a token bucket on task starts, beside the concurrency limit.
 * All on the virtual clock: start times are exact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  isOk,
  type VirtualClock,
} from '@troupe/core';

/** A pool whose worker records its start time and takes `runMs` of virtual time. */
function timedPool(
  clock: VirtualClock,
  size: number,
  limit: number,
  intervalMs: number,
  runMs = 1,
) {
  const starts: number[] = [];
  const pool = createPool({
    clock,
    size,
    rate: { limit, intervalMs },
    worker: (n: number) => {
      starts.push(clock.now());
      return new Promise<number>((resolve) => clock.setTimeout(() => resolve(n), runMs));
    },
  }).start();
  return { pool, starts };
}

/** The most starts in any half-open window [t, t + intervalMs). */
function busiestWindow(starts: readonly number[], intervalMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[to]! - sorted[from]! >= intervalMs) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

describe('rate limit on task starts', () => {
  it('starts a burst of `limit`, then one token back per start, intervalMs after it', async () => {
    const clock = createVirtualClock();
    const { pool, starts } = timedPool(clock, 10, 3, 300);
    await clock.flush();
    const all = pool.submitMany([1, 2, 3, 4, 5, 6, 7]);
    await clock.advance(2_000);
    expect((await all).every(isOk)).toBe(true);
    expect(starts).toEqual([0, 0, 0, 300, 300, 300, 600]);
    expect(busiestWindow(starts, 300)).toBe(3);
    await pool.close();
  });

  it('counts the time spent throttled, and none without a limit', async () => {
    const clock = createVirtualClock();
    const { pool } = timedPool(clock, 4, 2, 1_000);
    await clock.flush();
    const all = pool.submitMany([1, 2, 3, 4]); // 2 at once, 2 more at 1000
    await clock.advance(250);
    expect(pool.getSnapshot().metrics.throttledMs).toBe(250);
    await clock.advance(5_000);
    await all;
    // Throttled from 0 until the last start at 1000.
    expect(pool.getSnapshot().metrics.throttledMs).toBe(1_000);
    await pool.close();
    const free = createPool({ worker: (n: number) => n }).start();
    await free.run(1);
    expect(free.getSnapshot().metrics.throttledMs).toBe(0);
    await free.close();
  });

  it('keeps FIFO: a submit while throttled queues behind the waiting tasks', async () => {
    const clock = createVirtualClock();
    const order: number[] = [];
    const pool = createPool({
      clock,
      size: 4,
      rate: { limit: 1, intervalMs: 100 },
      worker: (n: number) => {
        order.push(n);
        return n;
      },
    }).start();
    await clock.flush();
    const first = pool.submitMany([1, 2, 3]);
    await clock.advance(150); // 1 at 0, 2 at 100; 3 is due at 200
    const late = pool.submit(4);
    await clock.advance(1_000);
    await first;
    await late;
    expect(order).toEqual([1, 2, 3, 4]);
    await pool.close();
  });

  it('close({ abort }) while throttled cancels the queue and leaves no timer behind', async () => {
    const clock = createVirtualClock();
    const { pool } = timedPool(clock, 2, 1, 10_000);
    await clock.flush();
    const all = pool.submitMany([1, 2, 3]);
    await clock.advance(5);
    await pool.close({ abort: true });
    const results = await all;
    expect(results.filter(isOk)).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('never exceeds `limit` starts in any window of intervalMs, and starts everything (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ atMs: fc.nat(400), count: fc.integer({ min: 1, max: 4 }) }), {
          maxLength: 12,
        }),
        async (limit, intervalMs, size, bursts) => {
          const clock = createVirtualClock();
          const { pool, starts } = timedPool(clock, size, limit, intervalMs, 5);
          await clock.flush();
          const sorted = [...bursts].sort((a, b) => a.atMs - b.atMs);
          const pending: Promise<unknown>[] = [];
          let total = 0;
          for (const burst of sorted) {
            await clock.advance(burst.atMs - clock.now());
            pending.push(pool.submitMany(Array.from({ length: burst.count }, () => 0)));
            total += burst.count;
          }
          await clock.advance(total * intervalMs + 1_000);
          await Promise.all(pending);
          expect(starts).toHaveLength(total);
          expect(busiestWindow(starts, intervalMs)).toBeLessThanOrEqual(limit);
          const m = pool.getSnapshot().metrics;
          expect(m.completed).toBe(total);
          await pool.close();
          expect(clock.pending()).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects bad options naming them', () => {
    const worker = (n: number) => n;
    const bad: [unknown, string][] = [
      [5, 'rate'],
      [{ limit: 0, intervalMs: 100 }, 'rate.limit'],
      [{ limit: 1.5, intervalMs: 100 }, 'rate.limit'],
      [{ limit: 2, intervalMs: 0 }, 'rate.intervalMs'],
      [{ limit: 2, intervalMs: Infinity }, 'rate.intervalMs'],
      [{ limit: 2 }, 'rate.intervalMs'],
    ];
    for (const [rate, option] of bad) {
      const make = () =>
        createPool({ worker, rate: rate as { limit: number; intervalMs: number } });
      expect(make).toThrow(InvalidOptionError);
      expect(make).toThrow(`\`${option}\``);
    }
  });
});
