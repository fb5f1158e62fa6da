import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import { PriorityQueue } from '../src/queues/priority-queue.js';

/** Items are `[key, level]`. */
const queue = () =>
  new PriorityQueue<[number, number]>(
    2,
    undefined,
    createVirtualClock(),
    ([, level]) => level,
    ([key]) => key,
  );

describe('PriorityQueue.unshift', () => {
  it('puts an item at the head of its level, the latest first, behind higher levels', () => {
    const q = queue();
    q.push([1, 0]);
    q.push([2, 0]);
    q.push([3, 1]);
    q.unshift([4, 0]);
    q.unshift([5, 0]);
    expect(q.size).toBe(5);
    expect(q.drain().map(([key]) => key)).toEqual([3, 5, 4, 1, 2]);
  });

  it('an item put back can be found, moved and removed like any other', () => {
    const q = queue();
    q.push([1, 0]);
    q.unshift([2, 0]);
    expect(q.get(2)).toEqual([2, 0]);
    expect(q.setLevel(2, 1)).toBe(true);
    q.unshift([3, 0]);
    expect(q.remove(3)).toBe(true);
    expect(q.drain().map(([key]) => key)).toEqual([2, 1]);
  });
});
