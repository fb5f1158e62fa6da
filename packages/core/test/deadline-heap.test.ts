import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import { DeadlineHeap } from '../src/time/deadline-heap.js';

interface Item {
  readonly id: string;
  deadline: number;
  heapIndex: number;
}

const item = (id: string, deadline: number): Item => ({ id, deadline, heapIndex: -1 });

function setup(onExpire?: (expired: Item, heap: DeadlineHeap<Item>) => void) {
  const clock = createVirtualClock();
  const log: string[] = [];
  const heap: DeadlineHeap<Item> = new DeadlineHeap<Item>(clock, (expired) => {
    log.push(`${expired.id}@${clock.now()}`);
    expect(clock.pending()).toBeLessThanOrEqual(1);
    onExpire?.(expired, heap);
  });
  return { clock, heap, log };
}

describe('DeadlineHeap', () => {
  it('expires items in deadline order, each exactly when the clock reaches its deadline', async () => {
    const { clock, heap, log } = setup();
    for (const [id, d] of [
      ['c', 30],
      ['a', 10],
      ['d', 40],
      ['b', 20],
    ] as const)
      heap.add(item(id, d));
    expect(heap.size).toBe(4);
    await clock.advance(9);
    expect(log).toEqual([]);
    await clock.advance(1);
    expect(log).toEqual(['a@10']);
    await clock.advance(100);
    expect(log).toEqual(['a@10', 'b@20', 'c@30', 'd@40']);
    expect(heap.size).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it('expires items with equal deadlines together', async () => {
    const { clock, heap, log } = setup();
    heap.add(item('a', 5));
    heap.add(item('b', 5));
    heap.add(item('c', 6));
    await clock.advance(5);
    expect([...log].sort()).toEqual(['a@5', 'b@5']);
    await clock.advance(1);
    expect(log).toHaveLength(3);
  });

  it('keeps at most one clock timer pending however many items it holds', async () => {
    const { clock, heap, log } = setup();
    for (let i = 100; i > 0; i--) {
      heap.add(item(`i${i}`, i * 3));
      expect(clock.pending()).toBe(1);
    }
    for (let t = 0; t < 300; t += 7) {
      await clock.advance(7);
      expect(clock.pending()).toBeLessThanOrEqual(1);
    }
    expect(log).toHaveLength(100);
    expect(clock.pending()).toBe(0);
  });

  it('never expires a removed item, and marks it out of the heap', async () => {
    const { clock, heap, log } = setup();
    const a = item('a', 10);
    const b = item('b', 20);
    const c = item('c', 30);
    heap.add(a);
    heap.add(b);
    heap.add(c);
    heap.remove(a); // the earliest: the timer fires early and re-arms
    heap.remove(c);
    expect(a.heapIndex).toBe(-1);
    expect(c.heapIndex).toBe(-1);
    expect(heap.size).toBe(1);
    await clock.advance(15);
    expect(log).toEqual([]);
    expect(clock.pending()).toBe(1);
    await clock.advance(100);
    expect(log).toEqual(['b@20']);
    expect(b.heapIndex).toBe(-1);
  });

  it('clears its timer when a remove() empties it', async () => {
    const { clock, heap, log } = setup();
    const a = item('a', 10);
    const b = item('b', 20);
    heap.add(a);
    heap.add(b);
    heap.remove(b);
    expect(clock.pending()).toBe(1);
    heap.remove(a);
    expect(clock.pending()).toBe(0);
    heap.add(item('c', 30));
    expect(clock.pending()).toBe(1);
    await clock.advance(30);
    expect(log).toEqual(['c@30']);
  });

  it('ignores remove() of an item not in the heap, or removed twice', async () => {
    const { clock, heap, log } = setup();
    const a = item('a', 10);
    const b = item('b', 20);
    heap.add(b);
    heap.remove(a);
    heap.add(a);
    heap.remove(a);
    heap.remove(a);
    expect(heap.size).toBe(1);
    await clock.advance(50);
    expect(log).toEqual(['b@20']);
    heap.remove(b); // already expired
    expect(heap.size).toBe(0);
  });

  it('expires an item added with a past deadline at the current time', async () => {
    const { clock, heap, log } = setup();
    await clock.advance(100);
    heap.add(item('late', 40));
    heap.add(item('later', 150));
    await clock.advance(0);
    expect(log).toEqual(['late@100']);
    await clock.advance(50);
    expect(log).toEqual(['late@100', 'later@150']);
  });

  it('re-arms earlier when an item with an earlier deadline is added', async () => {
    const { clock, heap, log } = setup();
    heap.add(item('b', 50));
    await clock.advance(10);
    heap.add(item('a', 20));
    expect(clock.pending()).toBe(1);
    await clock.advance(10);
    expect(log).toEqual(['a@20']);
    await clock.advance(30);
    expect(log).toEqual(['a@20', 'b@50']);
  });

  it('clear() empties it and stops its timer', async () => {
    const { clock, heap, log } = setup();
    const items = [item('a', 10), item('b', 20), item('c', 30)];
    for (const i of items) heap.add(i);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(clock.pending()).toBe(0);
    expect(items.map((i) => i.heapIndex)).toEqual([-1, -1, -1]);
    await clock.advance(100);
    expect(log).toEqual([]);
    heap.add(item('d', 150)); // usable after clear
    await clock.advance(50);
    expect(log).toEqual(['d@150']);
  });

  it('accepts an add from inside onExpire (re-adding the expired item)', async () => {
    let rounds = 0;
    const { clock, heap, log } = setup((expired, h) => {
      if (++rounds < 3) {
        expired.deadline += 10;
        h.add(expired);
      }
    });
    heap.add(item('a', 10));
    await clock.advance(100);
    expect(log).toEqual(['a@10', 'a@20', 'a@30']);
    expect(heap.size).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it('expires in the same pass an item added from onExpire whose deadline has passed', async () => {
    const { clock, heap, log } = setup((expired, h) => {
      if (expired.id === 'a') h.add(item('now', clock.now()));
    });
    heap.add(item('a', 10));
    heap.add(item('b', 30));
    await clock.advance(10);
    expect(log).toEqual(['a@10', 'now@10']);
    await clock.advance(20);
    expect(log).toEqual(['a@10', 'now@10', 'b@30']);
  });

  it('never expires an item removed from inside onExpire', async () => {
    const b = item('b', 15);
    const { clock, heap, log } = setup((expired, h) => {
      if (expired.id === 'a') h.remove(b);
    });
    heap.add(item('a', 10));
    heap.add(b);
    heap.add(item('c', 20));
    await clock.advance(30);
    expect(log.filter((l) => l.startsWith('b'))).toEqual([]);
    expect(log).toContain('c@20');
  });
});
