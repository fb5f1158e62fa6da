import type { InspectionEvent } from 'xstate';
import type { Pool, WorkerLogic } from '@troupe/core';
import type { TestTask } from '../behaviour.js';
import type { PoolOptionsSet } from '../arbitraries/arb-pool-options.js';
import type { TestClock } from '../test-clock.js';

/** The options of a pool a conformance check runs: any but batching (its counters count batches). */
export type CheckedPoolOptions = Omit<PoolOptionsSet, 'batch'>;

/** What the test kit gives the pool it checks: its scripted worker, its clock, its randomness. */
export interface PoolEnv {
  /**
   * Runs each task as its behaviour says, and lets the check crash a worker from outside (its
   * `setup` keeps the worker's `crash`). Wrap it to add your own logic around it.
   */
  readonly worker: WorkerLogic<TestTask, number, undefined>;
  readonly clock: TestClock;
  /** Seeded for each run, so backoff jitter replays exactly. */
  readonly random: () => number;
  /** Collects transition coverage; pass it on to `createPool`. */
  readonly inspect?: (event: InspectionEvent) => void;
}

/**
 * Makes the pool under test from the options checked plus the test kit's worker, clock and
 * randomness (spread them into `createPool`); called once a run. `createPool` itself is one.
 */
export type MakePool = (options: CheckedPoolOptions & PoolEnv) => Pool<TestTask, number>;

/** The options the commands and checks read, resolved once. */
export interface PoolShape {
  readonly fixed: boolean;
  /** The fixed size, or the dynamic minimum. */
  readonly size: number;
  /** The most workers it may have: the fixed size (until resized), or the dynamic maximum. */
  readonly max: number;
  readonly min: number;
  readonly levels: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly restartType: 'permanent' | 'transient' | 'temporary';
  readonly overflow: 'reject' | 'wait' | 'drop-oldest';
}

/** Reads the shape of the options (their defaults as `createPool` has them). */
export function poolShape(options: CheckedPoolOptions): PoolShape {
  const size = options.size ?? 1;
  const fixed = typeof size === 'number';
  const min = fixed ? size : size.min;
  const max = fixed ? size : size.max;
  const s = options.supervision;
  return {
    fixed,
    size: min,
    min,
    max,
    levels: options.queue?.kind === 'priority' ? (options.queue.levels ?? 3) : undefined,
    timeoutMs: options.timeoutMs === Infinity ? undefined : options.timeoutMs,
    maxRestarts: s?.maxRestarts ?? 5,
    withinMs: s?.withinMs ?? 10_000,
    restartType: s?.restart ?? 'permanent',
    overflow: options.queue?.overflow ?? 'reject',
  };
}
