import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../src/dashboard/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the last `capacity` items, oldest first, and says which one it pushed out', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.last()).toBeUndefined();
    expect([1, 2, 3].map((n) => ring.push(n))).toEqual([undefined, undefined, undefined]);
    expect(ring.push(4)).toBe(1);
    expect(ring.push(5)).toBe(2);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.length).toBe(3);
    expect(ring.last()).toBe(5);
  });

  it('holds no more than its capacity however many are pushed', () => {
    const ring = new RingBuffer<number>(100);
    for (let i = 0; i < 100_000; i++) ring.push(i);
    expect(ring.length).toBe(100);
    expect(ring.toArray()[0]).toBe(99_900);
  });
});
