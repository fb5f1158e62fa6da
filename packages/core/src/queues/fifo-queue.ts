import type { TaskQueue } from './task-queue.js';

const MIN_RING = 16;
/** The ring of a queue that never held an item: shared, and never written (a push grows it first). */
const NO_RING: undefined[] = [];

/**
 * A FIFO ring buffer that grows by doubling and shrinks when mostly empty: O(1) push and
 * shift with no `Array#shift` and no per-item allocation. Bounds are the pool's business.
 */
export class FifoQueue<T> implements TaskQueue<T> {
  // Made at the first push: most queues of most pools never hold a task.
  #ring: (T | undefined)[] = NO_RING;
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds an item at the tail. */
  push(item: T): void {
    if (this.#size === this.#ring.length) this.#grow();
    this.#ring[(this.#head + this.#size) & (this.#ring.length - 1)] = item;
    this.#size++;
  }

  /** Puts an item back at the head (it goes out next). */
  unshift(item: T): void {
    if (this.#size === this.#ring.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#ring.length - 1);
    this.#ring[this.#head] = item;
    this.#size++;
  }

  /** Makes room for `count` more items at once (one copy instead of one per doubling). */
  reserve(count: number): void {
    const needed = this.#size + count;
    if (needed <= this.#ring.length) return;
    let length = Math.max(MIN_RING, this.#ring.length);
    while (length < needed) length *= 2;
    this.#resize(length);
  }

  /** Removes and returns the item at the head, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const ring = this.#ring;
    const item = ring[this.#head];
    ring[this.#head] = undefined;
    this.#head = (this.#head + 1) & (ring.length - 1);
    this.#size--;
    if (this.#size === 0) this.#head = 0;
    if (ring.length > MIN_RING && this.#size < ring.length >>> 2) this.#resize(ring.length >>> 1);
    return item;
  }

  /** The item at the head, without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#ring[this.#head];
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const items: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) items.push(item);
    return items;
  }

  #grow(): void {
    this.#resize(Math.max(MIN_RING, this.#ring.length * 2));
  }

  #resize(length: number): void {
    const next = new Array<T | undefined>(length);
    const mask = this.#ring.length - 1;
    for (let i = 0; i < this.#size; i++) next[i] = this.#ring[(this.#head + i) & mask];
    this.#ring = next;
    this.#head = 0;
  }
}
