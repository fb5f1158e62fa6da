import { describe, expect, it } from 'vitest';
import { FifoQueue } from '../src/queues/fifo-queue.js';

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

describe('FifoQueue', () => {
  it('starts empty: size 0, shift and peek give undefined, drain gives []', () => {
    const q = new FifoQueue<number>();
    expect(q.size).toBe(0);
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
    expect(q.drain()).toEqual([]);
    expect(q.size).toBe(0);
  });

  it('shifts in push order and peek shows the head without removing it', () => {
    const q = new FifoQueue<string>();
    q.push('a');
    q.push('b');
    q.push('c');
    expect(q.size).toBe(3);
    expect(q.peek()).toBe('a');
    expect(q.peek()).toBe('a');
    expect(q.size).toBe(3);
    expect(q.shift()).toBe('a');
    expect(q.peek()).toBe('b');
    expect(q.shift()).toBe('b');
    expect(q.shift()).toBe('c');
    expect(q.shift()).toBeUndefined();
    expect(q.size).toBe(0);
  });

  it('pushes 10k, then shifts all in order (growth and shrink)', () => {
    const q = new FifoQueue<number>();
    for (let i = 0; i < 10_000; i++) q.push(i);
    expect(q.size).toBe(10_000);
    expect(q.peek()).toBe(0);
    for (let i = 0; i < 10_000; i++) {
      expect(q.shift()).toBe(i);
      expect(q.size).toBe(10_000 - i - 1);
    }
    expect(q.shift()).toBeUndefined();
  });

  it('keeps order when the ring wraps around before growing', () => {
    const q = new FifoQueue<number>();
    for (const i of range(0, 12)) q.push(i);
    for (const i of range(0, 8)) expect(q.shift()).toBe(i);
    for (const i of range(12, 40)) q.push(i); // wraps at 16, then doubles twice
    expect(q.size).toBe(32);
    expect(q.drain()).toEqual(range(8, 40));
  });

  it('keeps order when it shrinks with a wrapped head', () => {
    const q = new FifoQueue<number>();
    for (const i of range(0, 64)) q.push(i); // ring of 64, full
    for (const i of range(0, 40)) expect(q.shift()).toBe(i);
    for (const i of range(64, 100)) q.push(i); // the tail wraps; then grows to 128
    for (const i of range(40, 90)) expect(q.shift()).toBe(i); // shrinks on the way down
    expect(q.peek()).toBe(90);
    expect(q.drain()).toEqual(range(90, 100));
  });

  it('drain() returns everything oldest first and leaves it empty and reusable', () => {
    const q = new FifoQueue<number>();
    for (const i of range(0, 1000)) q.push(i);
    for (const i of range(0, 300)) expect(q.shift()).toBe(i);
    expect(q.drain()).toEqual(range(300, 1000));
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
    q.push(7);
    expect(q.size).toBe(1);
    expect(q.drain()).toEqual([7]);
  });

  it('treats falsy items (0, null, empty string, false) as items', () => {
    const q = new FifoQueue<number | string | boolean | null>();
    for (const v of [0, null, '', false, 1]) q.push(v);
    expect(q.peek()).toBe(0);
    expect(q.size).toBe(5);
    expect(q.drain()).toEqual([0, null, '', false, 1]);
  });

  it('keeps object identity', () => {
    const q = new FifoQueue<{ id: number }>();
    const a = { id: 1 };
    q.push(a);
    expect(q.shift()).toBe(a);
  });

  it('alternates push and shift across many sizes', () => {
    const q = new FifoQueue<number>();
    let next = 0;
    let expected = 0;
    for (const size of [1, 15, 16, 17, 33, 1000, 3, 5000, 0, 64]) {
      while (q.size < size) q.push(next++);
      while (q.size > size) expect(q.shift()).toBe(expected++);
      expect(q.size).toBe(size);
      expect(q.peek()).toBe(size === 0 ? undefined : expected);
    }
    expect(q.drain()).toEqual(range(expected, next));
  });
});

describe('FifoQueue.reserve and unshift', () => {
  it('keeps order across a reserve in the middle of a wrapped ring, and unshift puts an item first', () => {
    const queue = new FifoQueue<number>();
    for (let i = 0; i < 10; i++) queue.push(i);
    for (let i = 0; i < 6; i++) queue.shift();
    for (let i = 10; i < 20; i++) queue.push(i); // wraps around the 16-slot ring
    queue.reserve(1_000);
    queue.unshift(5);
    for (let i = 20; i < 1_000; i++) queue.push(i);
    expect(queue.size).toBe(995);
    expect(queue.drain()).toEqual(Array.from({ length: 995 }, (_, i) => i + 5));
  });
});
