import { InvalidOptionError } from '../errors.js';
import { checkPriority, priorityRange } from '../pool/submit-options.js';
import type { Dispatcher } from './dispatcher.js';
import type { Sweeps } from './sweeps.js';
import { ownExtras, TaskState } from './task.js';

/**
 * What a caller does to the queue itself (p-queue's and piscina's everyday controls): pause and
 * resume dispatch, clear what has not started, wait for the queue to shrink, count it, give a
 * queued task another priority. The pause is the dispatcher's start gate, read only where a task
 * would start.
 */
export class QueueControls {
  constructor(
    private readonly path: Dispatcher,
    private readonly sweeps: Sweeps,
  ) {}

  get isPaused(): boolean {
    return this.path.isPaused;
  }

  /** Tasks accepted and not started: queued, plus submits waiting for room (overflow `'wait'`). */
  get queueSize(): number {
    return this.path.metrics.queued + this.path.metrics.waiting;
  }

  /** Tasks running now. */
  get pending(): number {
    return this.path.metrics.active;
  }

  /** Stops starting tasks (submits still queue); `false` when already paused. */
  pause(): boolean {
    if (!this.path.holdStarts()) return false;
    if (this.path.events$.observed) this.path.events$.next({ type: 'pool.paused' });
    return true;
  }

  /**
   * Starts tasks again: free lanes take queued ones at once (`start`: false only lifts the
   * pause, for a close that cancels them anyway). `false` when not paused.
   */
  resume(start = true): boolean {
    const path = this.path;
    if (!path.releaseStarts()) return false;
    if (path.events$.observed) path.events$.next({ type: 'pool.resumed' });
    if (!start) return true;
    const now = path.config.clock.now();
    const { roster, metrics: m, limiter } = path;
    const idle = roster.idle;
    // A held rate limit (its wake-up armed) starts them when it allows; a pause from within a
    // synchronous task stops the loop.
    while (
      idle.length > 0 &&
      (m.queued > 0 || m.waiting > 0) &&
      !path.isPaused &&
      (limiter === undefined || limiter.heapIndex < 0)
    )
      path.pump(idle.pop()!, now);
    // A dynamic pool grows for the work it held back, one worker a waiting task (up to max).
    path.growth?.demandFor(m.queued + m.waiting);
    if (path.waiters.watched) path.waiters.check();
    return true;
  }

  /** Cancels every task not yet started (see `Sweeps.clear`); returns how many. */
  clear(reason: unknown): number {
    return this.sweeps.clear(reason);
  }

  /** Resolves once fewer than `n` tasks are queued or waiting for room (`queueSize < n`). */
  whenSizeBelow(n: number): Promise<void> {
    return this.path.waiters.whenSizeBelow(n);
  }

  /**
   * Gives the task submitted with `id`, if it is queued or waiting out a retry delay, another
   * priority; `false` otherwise. Throws `InvalidOptionError` for a priority that is not a level.
   */
  setPriority(id: string, priority: number): boolean {
    const { config, door, backlog } = this.path;
    const levels = config.priority?.levels;
    if (checkPriority(priority, levels) !== undefined)
      throw new InvalidOptionError('priority', priority, priorityRange(levels));
    const task = door.named(id);
    if (task === undefined) return false;
    // Queued, waiting out a retry delay, or waiting for room (overflow 'wait'): not yet running.
    if (
      task.state !== TaskState.queued &&
      task.state !== TaskState.retrying &&
      task.state !== TaskState.waiting
    )
      return false;
    const x = ownExtras(task);
    if (x.priority !== priority && task.state === TaskState.queued) {
      backlog.reprioritise(task, priority);
    }
    x.priority = priority;
    return true;
  }
}
