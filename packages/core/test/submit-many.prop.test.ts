/** `submitMany` property: results line up with inputs, admission follows the overflow policy. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  isErr,
  TaskFailed,
  type OverflowPolicy,
} from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { reasonOf, valueOf } from './support/results.js';
import { after, settleWith } from './support/virtual-time.js';

describe('submitMany: property', () => {
  type Item = { readonly n: number; readonly fails: boolean; readonly ms: number };
  const itemArb = fc.record({
    n: fc.integer({ min: -1_000, max: 1_000 }),
    fails: fc.boolean(),
    ms: fc.integer({ min: 0, max: 20 }),
  });

  it('results[i] belongs to inputs[i]; admission follows the overflow policy; counters conserve', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(itemArb, { maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom<OverflowPolicy>('reject', 'wait', 'drop-oldest'),
        async (items, size, capacity, overflow) => {
          const clock = createVirtualClock();
          const pool = createPool({
            worker: async (item: Item) => {
              await after(clock, item.ms, undefined);
              if (item.fails) throw new Error(`fails ${item.n}`);
              return item.n * 2;
            },
            size,
            queue: { capacity, overflow },
            clock,
          }).start();
          await clock.flush(); // every worker idle: the first `size` items start at once
          const results = await settleWith(clock, pool.submitMany(items));
          await settleWith(clock, pool.onIdle());
          expect(results).toHaveLength(items.length);
          // Who was admitted: `size` run, `capacity` queue; the rest per the overflow policy.
          const room = size + capacity;
          const n = items.length;
          const admitted = (i: number): 'run' | 'refused' | 'dropped' => {
            if (i < size) return 'run';
            if (overflow === 'reject') return i < room ? 'run' : 'refused';
            if (overflow === 'drop-oldest') return i < n - capacity ? 'dropped' : 'run';
            return 'run';
          };
          results.forEach((r, i) => {
            const item = items[i]!;
            const fate = admitted(i);
            if (fate !== 'run') {
              expect(reasonOf(r), `item ${i}`).toBe('queue-full');
              expect(isErr(r) && r.left.taskId === undefined).toBe(fate === 'refused');
            } else if (item.fails) {
              expect(isErr(r) && r.left).toBeInstanceOf(TaskFailed);
              expect(isErr(r) && (r.left.cause as Error).message).toBe(`fails ${item.n}`);
            } else {
              expect(valueOf(r), `item ${i}`).toBe(item.n * 2);
            }
          });
          const fates = items.map((_, i) => admitted(i));
          const ran = items.filter((_, i) => fates[i] === 'run');
          const m = pool.getSnapshot().metrics;
          expect(m).toMatchObject({
            submitted: n - fates.filter((f) => f === 'refused').length,
            rejected: fates.filter((f) => f === 'refused').length,
            dropped: fates.filter((f) => f === 'dropped').length,
            completed: ran.filter((item) => !item.fails).length,
            failed: ran.filter((item) => item.fails).length,
          });
          expectConserved(m);
          await settleWith(clock, pool.close());
        },
      ),
      { numRuns: 100 },
    );
  });
});
