import type { HasDeadline } from '../time/deadline-heap.js';

/** A limit on task starts: at most `limit` in any window of `intervalMs` (an API's quota). */
export interface RateOptions {
  /** Most task starts in any window of `intervalMs` (also the burst allowed after a quiet spell). */
  readonly limit: number;
  /** The interval, in ms. */
  readonly intervalMs: number;
}

/** Slack for floating-point error in the schedule (far below a clock's resolution). */
const EPSILON = 1e-9;

/**
 * A token bucket on task starts where each spent token comes back exactly `intervalMs` after it
 * was spent: `limit` tokens, one per start. So no window of `intervalMs` ever holds more than
 * `limit` starts (what an API quota means; a bucket refilled continuously would let through up
 * to twice that across a window edge), and a quiet pool may burst `limit` at once. Kept as the
 * ring of the last `limit` start times: O(1) per start, O(limit) memory.
 *
 * It is also the pool's wake-up entry in its deadline heap: when a worker is free but no start
 * is allowed, the pool files the limiter under the time the next start is, and pumps again
 * then. Counts the time spent throttled (work waiting, a worker free, no start allowed).
 */
export class RateLimiter implements HasDeadline {
  deadline = 0;
  heapIndex = -1;
  /** When each of the last `limit` starts happened; `#oldest` indexes the earliest. */
  readonly #starts: Float64Array;
  #oldest = 0;
  readonly #intervalMs: number;
  #throttledSince: number | undefined;
  #throttledMs = 0;

  constructor(options: RateOptions) {
    this.#starts = new Float64Array(options.limit).fill(-Infinity);
    this.#intervalMs = options.intervalMs;
  }

  /** Whether a start would be allowed at `now` (nothing taken). */
  allows(now: number): boolean {
    return now + EPSILON >= this.#starts[this.#oldest]! + this.#intervalMs;
  }

  /** Takes a start if one is allowed at `now`. */
  tryTake(now: number): boolean {
    const starts = this.#starts;
    if (now + EPSILON < starts[this.#oldest]! + this.#intervalMs) return false;
    starts[this.#oldest] = now;
    this.#oldest = this.#oldest + 1 === starts.length ? 0 : this.#oldest + 1;
    if (this.#throttledSince !== undefined) {
      this.#throttledMs += Math.max(0, now - this.#throttledSince);
      this.#throttledSince = undefined;
    }
    return true;
  }

  /** A start was refused at `now` while work waited: marks the pool throttled; returns when the next start is allowed. */
  throttled(now: number): number {
    this.#throttledSince ??= now;
    return this.#starts[this.#oldest]! + this.#intervalMs;
  }

  /** Nothing waits any more (the queue emptied, or was drained): throttling, if any, ends. */
  unthrottled(now: number): void {
    if (this.#throttledSince === undefined) return;
    this.#throttledMs += Math.max(0, now - this.#throttledSince);
    this.#throttledSince = undefined;
  }

  /** Total time spent throttled up to `now`, in ms. */
  throttledMs(now: number): number {
    const since = this.#throttledSince;
    return this.#throttledMs + (since === undefined ? 0 : Math.max(0, now - since));
  }
}
