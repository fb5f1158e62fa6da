import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import { DeadlineHeap } from '../src/time/deadline-heap.js';

interface Item {
  readonly id: number;
  deadline: number;
  heapIndex: number;
}

type Op =
  | { readonly t: 'add'; readonly delay: number }
  | { readonly t: 'remove'; readonly pick: number }
  | { readonly t: 'advance'; readonly ms: number }
  | { readonly t: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      t: fc.constant('add' as const),
      delay: fc.integer({ min: -5, max: 100 }),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ t: fc.constant('remove' as const), pick: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({
      t: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 60 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.constant<Op>({ t: 'clear' }), weight: 1 },
);

describe('DeadlineHeap properties', () => {
  it('expires exactly the items not removed, each when the clock reaches its deadline, in deadline order, on one timer', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
        const clock = createVirtualClock();
        /** Live items and the time each must expire: its deadline, or when it was added if that is later. */
        const live = new Map<Item, number>();
        let lastExpiry = -Infinity;
        const heap = new DeadlineHeap<Item>(clock, (expired) => {
          const due = live.get(expired);
          expect(
            due,
            `item ${expired.id} expired but was removed or already expired`,
          ).toBeDefined();
          expect(clock.now()).toBe(due);
          expect(expired.heapIndex).toBe(-1);
          live.delete(expired);
          // Deadline order: what expires is the earliest item still held.
          for (const other of live.keys())
            expect(other.deadline).toBeGreaterThanOrEqual(expired.deadline);
          expect(clock.now()).toBeGreaterThanOrEqual(lastExpiry);
          lastExpiry = clock.now();
        });
        let nextId = 0;
        const checkAll = (): void => {
          expect(heap.size).toBe(live.size);
          // One timer while something can expire; none once the heap is empty (an idle pool holds no timer).
          expect(clock.pending()).toBe(live.size > 0 ? 1 : 0);
        };

        for (const o of ops) {
          if (o.t === 'add') {
            const it: Item = { id: nextId++, deadline: clock.now() + o.delay, heapIndex: -1 };
            heap.add(it);
            live.set(it, Math.max(it.deadline, clock.now()));
          } else if (o.t === 'remove') {
            const items = [...live.keys()];
            const victim = items[o.pick % Math.max(1, items.length)];
            if (victim !== undefined) {
              heap.remove(victim);
              live.delete(victim);
              expect(victim.heapIndex).toBe(-1);
            }
          } else if (o.t === 'clear') {
            heap.clear();
            live.clear();
          } else {
            await clock.advance(o.ms);
            for (const due of live.values()) expect(due).toBeGreaterThan(clock.now());
          }
          checkAll();
        }

        await clock.advance(1_000);
        expect(live.size).toBe(0);
        expect(heap.size).toBe(0);
        expect(clock.pending()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
