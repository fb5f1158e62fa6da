import { TaskCancelled } from '../errors.js';
import { err } from '../result.js';
import { TaskFlow } from './task-flow.js';
import { PAUSED } from './task-runner.js';

/**
 * What a caller does to the queue itself (p-queue's and piscina's everyday controls): pause and
 * resume dispatch, clear what has not started, wait for the queue to shrink, count it. The pause
 * is one flag, read only where a task would start.
 */
export class QueueControl<TInput, TOutput> extends TaskFlow<TInput, TOutput> {
  /** Whether dispatch is paused. */
  get isPaused(): boolean {
    return this.gate === PAUSED;
  }

  /** Tasks accepted and not started: queued, plus submits waiting for room (overflow `'wait'`). */
  get queueSize(): number {
    return this.metrics.queued + this.metrics.waiting;
  }

  /** Tasks running now. */
  get pending(): number {
    return this.metrics.active;
  }

  /** Stops starting tasks (submits still queue); `false` when already paused. */
  pause(): boolean {
    if (this.gate === PAUSED) return false;
    this.gate = PAUSED;
    if (this.events$.observed) this.events$.next({ type: 'pool.paused' });
    return true;
  }

  /**
   * Starts tasks again: free workers take queued ones at once (`start`: false only lifts the
   * flag, for a close that cancels them anyway). `false` when not paused.
   */
  resume(start = true): boolean {
    if (this.gate !== PAUSED) return false;
    this.gate = this.limiter;
    if (this.events$.observed) this.events$.next({ type: 'pool.resumed' });
    if (!start) return true;
    const now = this.config.clock.now();
    const idle = this.roster.idle;
    const m = this.metrics;
    const limiter = this.limiter;
    // A held rate limit (its wake-up armed) starts them when it allows; a pause from within a
    // synchronous task stops the loop.
    while (
      idle.length > 0 &&
      (m.queued > 0 || m.waiting > 0) &&
      !this.isPaused &&
      (limiter === undefined || limiter.heapIndex < 0)
    )
      this.pump(idle.pop()!, now);
    // A dynamic pool grows for the work it held back, one worker a waiting task (up to max).
    if (this.sizing !== undefined) {
      for (let k = m.queued + m.waiting; k > 0; k--) {
        const before = this.sizeTarget;
        this.demand();
        if (this.sizeTarget === before) break;
      }
    }
    if (this.watched) this.checkWaiters();
    return true;
  }

  /**
   * Cancels every task not yet started — queued, waiting for room, waiting out a retry delay —
   * with `TaskCancelled { cause: reason }`; running tasks go on. Returns how many it cancelled.
   */
  clear(reason: unknown): number {
    let count = 0;
    for (const task of [...this.retries.keys()]) {
      this.cancel(task, reason);
      count++;
    }
    for (const task of this.backlog.drainQueued()) {
      this.metrics.cancelled++;
      count++;
      this.settle(task, err(new TaskCancelled(reason, task.id)));
    }
    for (const task of this.backlog.drainWaiting()) {
      this.metrics.cancelled++;
      count++;
      this.settle(task, err(new TaskCancelled(reason, task.id)));
    }
    // Nothing waits for the rate limit any more: no wake-up is left armed.
    const limiter = this.limiter;
    if (limiter !== undefined && this.metrics.queued + this.metrics.waiting === 0) {
      if (limiter.heapIndex >= 0) this.timers.remove(limiter);
      limiter.unthrottled(this.config.clock.now());
    }
    if (this.watched) this.checkWaiters();
    return count;
  }

  /** Resolves once fewer than `n` tasks are queued or waiting for room (`queueSize < n`). */
  whenSizeBelow(n: number): Promise<void> {
    const waiting = this.sizeWaiters.wait(n, this.queueSize);
    this.watched ||= this.sizeWaiters.limit > 0;
    return waiting;
  }
}
