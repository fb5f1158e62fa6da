import type { Pool } from '@troupe/core';

/** What the terminal view shows of one pool. */
export interface PoolFigures {
  readonly name: string;
  readonly state: string;
  readonly submitted: number;
  readonly completed: number;
  /** Failed, crashed, timed out (each task counted once, by its outcome). */
  readonly failed: number;
  readonly cancelled: number;
  /** Refused at the door, and dropped from a full queue. */
  readonly rejected: number;
  /** In the queue, waiting for room, or waiting out a retry delay. */
  readonly queued: number;
  readonly running: number;
  readonly restarts: number;
  /** Workers by state, e.g. `{ idle: 1, busy: 3 }`. */
  readonly workers: Readonly<Record<string, number>>;
}

/** `pool`'s figures now, read from one snapshot. */
export function figuresOf(pool: Pool<unknown, unknown>): PoolFigures {
  const { state, metrics: m, workers } = pool.getSnapshot();
  const byState: Record<string, number> = {};
  for (const worker of workers) byState[worker.state] = (byState[worker.state] ?? 0) + 1;
  return {
    name: pool.name,
    state,
    submitted: m.submitted,
    completed: m.completed,
    failed: m.failed + m.crashed + m.timedOut,
    cancelled: m.cancelled,
    rejected: m.rejected + m.dropped,
    queued: m.queued + m.waiting + m.retrying,
    running: m.active,
    restarts: m.restarts,
    workers: byState,
  };
}

/** `{ idle: 1, busy: 3 }` as `1 idle, 3 busy`; `none` without workers. */
export function workersText(workers: Readonly<Record<string, number>>): string {
  const parts = Object.entries(workers).map(([state, n]) => `${n} ${state}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** One pool's figures on one line. */
export function figuresLine(f: PoolFigures): string {
  return (
    `${f.name}: ${f.state}; ${f.completed} completed, ${f.failed} failed, ${f.queued} queued, ` +
    `${f.running} running; workers ${workersText(f.workers)}; ${f.restarts} restarts`
  );
}

/** The same figures, told apart (for the change check of the plain view). */
export const figuresKey = (f: PoolFigures): string => JSON.stringify(f);
