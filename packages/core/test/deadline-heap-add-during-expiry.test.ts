/**
 * An item added from inside `onExpire` never delays the others: the heap's one timer is armed for
 * the earliest deadline left once the expired items are handed out, whether that is an item
 * already in the heap or one just added.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import { DeadlineHeap } from '../src/time/deadline-heap.js';

interface Item {
  readonly id: string;
  deadline: number;
  heapIndex: number;
}

describe('DeadlineHeap: add during expiry', () => {
  it('does not delay an earlier item when onExpire adds a later one', async () => {
    const clock = createVirtualClock();
    const log: string[] = [];
    const heap: DeadlineHeap<Item> = new DeadlineHeap<Item>(clock, (expired) => {
      log.push(`${expired.id}@${clock.now()}`);
      if (expired.id === 'A') heap.add({ id: 'C', deadline: 20, heapIndex: -1 });
    });
    heap.add({ id: 'A', deadline: 10, heapIndex: -1 });
    heap.add({ id: 'B', deadline: 15, heapIndex: -1 });
    await clock.advance(30);
    expect(log).toEqual(['A@10', 'B@15', 'C@20']);
  });

  it('expires every item when the clock reaches its deadline, whatever onExpire adds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 100 })), { maxLength: 40 }),
        async (initial, readdsArb) => {
          const readds = [...readdsArb]; // consumed below; fast-check reuses its values
          const clock = createVirtualClock();
          const due = new Map<Item, number>();
          let n = 0;
          const heap: DeadlineHeap<Item> = new DeadlineHeap<Item>(clock, (expired) => {
            expect(clock.now()).toBe(due.get(expired));
            due.delete(expired);
            const delay = readds.shift();
            if (delay !== undefined && delay !== null) {
              const it: Item = { id: `r${n++}`, deadline: clock.now() + delay, heapIndex: -1 };
              due.set(it, it.deadline);
              heap.add(it);
            }
          });
          for (const d of initial) {
            const it: Item = { id: `i${n++}`, deadline: d, heapIndex: -1 };
            due.set(it, d);
            heap.add(it);
          }
          for (let t = 0; t < 4_500; t += 7) await clock.advance(7); // > 20 * 100 + 40 * 100
          expect(due.size).toBe(0);
          expect(clock.pending()).toBe(0);
        },
      ),
    );
  });
});
