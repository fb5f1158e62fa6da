import type { Subject } from 'rxjs';
import type { MetricsRecorder } from '../metrics/metrics.js';
import type { PoolConfig } from '../pool/options.js';
import type { PoolEvent } from '../pool/pool-events.js';
import type { TaskResult } from '../result.js';
import type { RateLimiter } from '../scheduling/rate-limiter.js';
import type { DeadlineHeap } from '../time/deadline-heap.js';
import type { Backlog } from './backlog.js';
import type { RetryEntry, Task, Ticks } from './task.js';
import type { WorkerRoster } from './worker-roster.js';
import type { Lane, Slot } from './worker-slot.js';

/** What every part of the engine works on: one pool's configuration, counters, tasks and workers. */
export interface EngineParts {
  readonly config: PoolConfig<unknown, unknown>;
  readonly metrics: MetricsRecorder;
  /** The tasks accepted and not running: the queue and the wait list. */
  readonly backlog: Backlog;
  /** The workers, and the stack of idle lanes. */
  readonly roster: WorkerRoster;
  /** Running tasks' deadlines (on their lanes), retry delays, idle timeouts, the rate limit's wake-up: one timer. */
  readonly timers: DeadlineHeap<Slot | RetryEntry | RateLimiter>;
  /** Lifecycle events (told only while observed). */
  readonly events$: Subject<PoolEvent>;
}

/**
 * The path of a task as the other parts of the engine see it (the `Dispatcher` implements it):
 * they take tasks out of it, put them back, or free a lane, and hand on to it to go on.
 */
export interface TaskPath extends EngineParts {
  /** The limit on task starts (`rate`), if any. */
  readonly limiter: RateLimiter | undefined;
  /** Whether dispatch is paused (`pause()`). */
  readonly isPaused: boolean;
  /** A clock time as a task timestamp. */
  tick(now: number): Ticks;
  /** A task timestamp back as clock time. */
  time(ticks: Ticks): number;
  /** Reserves `n` task ids; returns the first. */
  reserveIds(n: number): number;
  /** Whether a task may start now (not paused; the rate limit allows one, and takes it). */
  mayStart(now: number): boolean;
  /** The free `lane` takes queued tasks until the queue is empty or the lane is busy. */
  pump(lane: Lane, now: number): void;
  /** Gives a task its one outcome. */
  settle(task: Task, result: TaskResult<unknown>): void;
  /** Free workers take tasks that came back to the queue (unless paused). */
  resumeQueue(): void;
}
