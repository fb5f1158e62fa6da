/**
 * A NaN deadline never hides the others: NaN compares false with every number, so in the heap
 * it would stick at the top and no later deadline would fire. The heap takes it as now.
 */
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import { DeadlineHeap } from '../src/time/deadline-heap.js';
import { exponentialBackoff, unitRandom } from '../src/supervision/exponential-backoff.js';

interface Item {
  readonly id: string;
  deadline: number;
  heapIndex: number;
}

describe('DeadlineHeap: a bad deadline', () => {
  it('expires a NaN deadline at once, and every other one on time', async () => {
    const clock = createVirtualClock();
    const log: string[] = [];
    const heap = new DeadlineHeap<Item>(clock, (item) => log.push(`${item.id}@${clock.now()}`));
    heap.add({ id: 'a', deadline: 50, heapIndex: -1 });
    heap.add({ id: 'nan', deadline: Number.NaN, heapIndex: -1 });
    heap.add({ id: 'b', deadline: 80, heapIndex: -1 });
    heap.add({ id: 'never', deadline: Infinity, heapIndex: -1 });
    await clock.advance(100);
    expect(log).toEqual(['nan@0', 'a@50', 'b@80']);
    expect(heap.size).toBe(1);
    heap.clear();
    expect(clock.pending()).toBe(0);
  });
});

describe('unitRandom', () => {
  it('clamps a bad draw into [0, 1] and falls back to 0.5', () => {
    expect(unitRandom(() => 0.25)).toBe(0.25);
    expect(unitRandom(() => -2)).toBe(0);
    expect(unitRandom(() => -Infinity)).toBe(0);
    expect(unitRandom(() => 3)).toBe(1);
    expect(unitRandom(() => Infinity)).toBe(1);
    expect(unitRandom(() => Number.NaN)).toBe(0.5);
    expect(unitRandom(() => '0.1' as unknown as number)).toBe(0.5);
    expect(
      unitRandom(() => {
        throw new Error('no');
      }),
    ).toBe(0.5);
    const backoff = exponentialBackoff({ minMs: 100, maxMs: 1_000, jitter: 0.5 });
    expect(backoff.delay(1, () => Number.NaN)).toBe(100);
  });
});
