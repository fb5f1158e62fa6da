import type { MetricsRecorder } from '../metrics/metrics.js';

interface SizeWaiter {
  readonly below: number;
  readonly resolve: () => void;
}

/**
 * Callers waiting for the pool to be idle (`whenIdle`) or for fewer than n tasks to be waiting
 * to start (`onSizeLessThan`, `onEmpty`). The task path asks one question — `watched` — where a
 * task settles, after a finished lane takes its next task, and after bursts of starts; only then
 * is `check` called.
 */
export class Waiters {
  /** Someone waits: the task path calls `check` as things move. */
  watched = false;
  #idle: (() => void)[] = [];
  #sizes: SizeWaiter[] = [];
  /** The largest bound waited for: a size below it may release someone; 0 when nobody waits. */
  #limit = 0;

  constructor(private readonly metrics: MetricsRecorder) {}

  /** Whether nothing is waiting, queued, running or waiting out a retry delay. */
  isIdle(): boolean {
    const m = this.metrics;
    return m.queued === 0 && m.active === 0 && m.waiting === 0 && m.retrying === 0;
  }

  /** Resolves when nothing is waiting, queued or running. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idle.push(resolve);
      this.watched = true;
    });
  }

  /** Resolves once fewer than `n` tasks are queued or waiting for room. */
  whenSizeBelow(n: number): Promise<void> {
    const m = this.metrics;
    if (m.queued + m.waiting < n) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#sizes.push({ below: n, resolve });
      if (n > this.#limit) this.#limit = n;
      this.watched = true;
    });
  }

  /** Releases the callers that may go now. */
  check(): void {
    if (this.#idle.length > 0 && this.isIdle()) {
      const waiters = this.#idle;
      this.#idle = [];
      for (const resolve of waiters) resolve();
    }
    const m = this.metrics;
    const size = m.queued + m.waiting;
    if (size < this.#limit) this.#releaseBelow(size);
    this.watched = this.#idle.length > 0 || this.#limit > 0;
  }

  #releaseBelow(size: number): void {
    let limit = 0;
    const keep: SizeWaiter[] = [];
    for (const waiter of this.#sizes) {
      if (size < waiter.below) waiter.resolve();
      else {
        keep.push(waiter);
        if (waiter.below > limit) limit = waiter.below;
      }
    }
    this.#sizes = keep;
    this.#limit = limit;
  }
}
