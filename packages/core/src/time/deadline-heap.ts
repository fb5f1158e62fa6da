import type { Clock, TimerHandle } from './clock.js';

/** Something with a deadline that a {@link DeadlineHeap} can hold. */
export interface HasDeadline {
  /** Absolute time (clock ms) at which it expires. */
  deadline: number;
  /** Position in the heap; -1 when not in it. Owned by the heap. */
  heapIndex: number;
}

/**
 * All of a pool's timeouts behind one clock timer: a binary min-heap of deadlines with O(log n)
 * insert and remove, and a single timer armed for the earliest one. Removing an item clears
 * the timer only when the heap empties (so an idle pool holds no timer); otherwise a timer
 * that fires early simply re-arms, so completions under load cost no timer calls.
 */
export class DeadlineHeap<T extends HasDeadline> {
  readonly #heap: T[] = [];
  readonly #clock: Clock;
  readonly #onExpire: (item: T) => void;
  #timer: TimerHandle = undefined;
  #timerAt = Infinity;

  constructor(clock: Clock, onExpire: (item: T) => void) {
    this.#clock = clock;
    this.#onExpire = onExpire;
  }

  get size(): number {
    return this.#heap.length;
  }

  /**
   * Adds an item. A deadline that is NaN (or no number at all) is taken as now, so it expires at
   * once: NaN compares false with every number, so it would stick at the top of the heap, hide
   * every deadline behind it and never fire. (±Infinity orders correctly: +Infinity never fires.)
   */
  add(item: T): void {
    const deadline = item.deadline;
    if (typeof deadline !== 'number' || Number.isNaN(deadline)) item.deadline = this.#clock.now();
    item.heapIndex = this.#heap.length;
    this.#heap.push(item);
    this.#up(item.heapIndex);
    if (item.deadline < this.#timerAt) this.#arm(item.deadline);
  }

  /** Removes an item if it is in the heap; the timer goes when the heap empties. */
  remove(item: T): void {
    const i = item.heapIndex;
    if (i < 0) return;
    item.heapIndex = -1;
    const last = this.#heap.pop()!;
    if (this.#heap.length === 0) return this.#disarm();
    if (last === item) return;
    this.#heap[i] = last;
    last.heapIndex = i;
    this.#down(i);
    this.#up(last.heapIndex);
  }

  /** Removes everything and stops the timer. */
  clear(): void {
    for (const item of this.#heap) item.heapIndex = -1;
    this.#heap.length = 0;
    this.#disarm();
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, at - this.#clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#clock.now();
    for (let top = this.#heap[0]; top !== undefined && top.deadline <= now; top = this.#heap[0]) {
      this.remove(top);
      this.#onExpire(top);
    }
    const next = this.#heap[0];
    // onExpire may have armed the timer for a later item: re-arm for the earliest.
    if (next !== undefined && next.deadline < this.#timerAt) this.#arm(next.deadline);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.deadline <= item.deadline) break;
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = item;
    item.heapIndex = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && heap[r]!.deadline < heap[l]!.deadline ? r : l;
      const child = heap[c]!;
      if (child.deadline >= item.deadline) break;
      heap[i] = child;
      child.heapIndex = i;
      i = c;
    }
    heap[i] = item;
    item.heapIndex = i;
  }
}
