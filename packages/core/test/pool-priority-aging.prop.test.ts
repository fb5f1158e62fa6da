import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isOk, type TaskResult } from '@troupe/core';

interface Arrival {
  readonly seq: number;
  readonly level: number;
  readonly at: number;
  start?: number;
}

/**
 * The aging bound of DESIGN §5, proved on the pool itself under virtual time: a flood of
 * top-level tasks arrives at 120% of what the workers can do, and low-level tasks arrive
 * among it. For every low task L (level l, arrived at a), with topAt = a + (top − l) × everyMs:
 *  - no task that arrived after L starts before L at or after topAt (it has aged to the top,
 *    and is never put behind later arrivals);
 *  - L starts by max(topAt, the start of the last task that arrived before it) + one task's
 *    run time (the next worker to free up takes it);
 *  - FIFO holds among the top-level tasks, and every task completes.
 */
describe('priority pool with aging under a 120% flood of top-level work', () => {
  it('every low task starts within (levels-1)×everyMs plus the older top-level work', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ atMs: fc.nat(59), level: fc.nat(8) }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (levels, everyMs, size, lows) => {
          const clock = createVirtualClock();
          const top = levels - 1;
          const runMs = 1;
          const arrivals: Arrival[] = [];
          const pool = createPool({
            clock,
            size,
            queue: { kind: 'priority', levels, aging: { everyMs } },
            worker: (arrival: Arrival) => {
              arrival.start = clock.now();
              return new Promise<number>((resolve) => {
                clock.setTimeout(() => resolve(arrival.seq), runMs);
              });
            },
          }).start();
          await clock.flush();
          const results: Promise<TaskResult<number>>[] = [];
          const submit = (level: number): void => {
            const arrival: Arrival = { seq: arrivals.length, level, at: clock.now() };
            arrivals.push(arrival);
            results.push(pool.submit(arrival, { priority: level }));
          };
          // Arrivals for 60 ms: 1.2 × size top-level tasks per ms (the workers start `size` per ms).
          let carry = 0;
          for (let t = 0; t < 60; t++) {
            carry += size * 1.2;
            for (; carry >= 1; carry--) submit(top);
            for (const low of lows) if (low.atMs === t) submit(low.level % top);
            await clock.advance(1);
          }
          // Then drain: no more arrivals.
          while (pool.getSnapshot().metrics.queued + pool.getSnapshot().metrics.active > 0) {
            await clock.advance(1);
          }
          const settled = await Promise.all(results);
          expect(settled.every(isOk)).toBe(true);
          await pool.close();

          for (const low of arrivals) {
            if (low.level === top) continue;
            const start = low.start!;
            const topAt = low.at + (top - low.level) * everyMs;
            for (const later of arrivals.slice(low.seq + 1)) {
              if (later.start! < start) {
                expect(
                  later.start!,
                  `task ${later.seq} (arrived ${later.at}) started at ${later.start} before low task ${low.seq} (level ${low.level}, arrived ${low.at}, top from ${topAt}, started ${start})`,
                ).toBeLessThan(topAt);
              }
            }
            const lastOlder = Math.max(
              -Infinity,
              ...arrivals.slice(0, low.seq).map((a) => a.start!),
            );
            expect(start).toBeLessThanOrEqual(Math.max(topAt, lastOlder) + runMs);
          }
          const tops = arrivals.filter((a) => a.level === top);
          for (let i = 1; i < tops.length; i++) {
            expect(tops[i]!.start!).toBeGreaterThanOrEqual(tops[i - 1]!.start!);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
