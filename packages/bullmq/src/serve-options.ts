import {
  rejectUnknownOptions,
  systemClock,
  InvalidOptionError,
  type Clock,
  type Pool,
} from '@troupe/core';
import { hostname } from 'node:os';
import {
  duration,
  resolveLocation,
  wholeNumber,
  type QueueLocation,
  type ResolvedLocation,
} from './queue-options.js';

/** Options of `serveBullmq`: which queue to take jobs from, and the pool that runs them. */
export interface BullmqServeOptions<TInput, TOutput> extends QueueLocation {
  /** The pool that runs the jobs' tasks (started by `start()` if it is not yet). */
  readonly pool: Pool<TInput, TOutput>;
  /**
   * Jobs this host takes at once (BullMQ's `concurrency`). Tasks past what the pool runs at
   * once wait in its queue, their jobs locked to this host.
   * @default the pool's size (its `max` for a dynamic pool): one job per worker
   */
  readonly concurrency?: number;
  /**
   * How many times a job may stall — its consumer died, or blocked its event loop past the
   * lock, while running it — and be run again elsewhere; one more and it fails, and its task
   * ends `WorkerCrashed` (cause: `JobStalledError`) on the producer. BullMQ's `maxStalledCount`.
   * @default 1
   */
  readonly maxStalled?: number;
  /**
   * How long a running job's lock lasts without renewal (renewed at half of it while it runs):
   * how soon a dead consumer's jobs can be seen as stalled. BullMQ's `lockDuration`.
   * @default 30_000
   */
  readonly lockDurationMs?: number;
  /**
   * How often this host looks for stalled jobs (of any consumer). BullMQ's `stalledInterval`.
   * @default 30_000
   */
  readonly stalledIntervalMs?: number;
  /**
   * This host's name in metrics and events.
   * @default `<hostname>:<pid>`
   */
  readonly name?: string;
  /**
   * The timer of `close({ timeoutMs })`.
   * @default systemClock
   */
  readonly clock?: Clock;
}

/** Checked consumer options. */
export interface ServeConfig<TInput, TOutput> extends ResolvedLocation {
  readonly pool: Pool<TInput, TOutput>;
  readonly concurrency: number;
  readonly maxStalled: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly name: string;
  readonly clock: Clock;
}

const NAMES = [
  'queue',
  'connection',
  'prefix',
  'pool',
  'concurrency',
  'maxStalled',
  'lockDurationMs',
  'stalledIntervalMs',
  'name',
  'clock',
];

/** Checks `serveBullmq`'s options (throws `InvalidOptionError`) and fills in the defaults. */
export function resolveServeOptions<TInput, TOutput>(
  options: BullmqServeOptions<TInput, TOutput>,
): ServeConfig<TInput, TOutput> {
  rejectUnknownOptions('', options, NAMES);
  const location = resolveLocation(options);
  const { pool, name = `${hostname()}:${process.pid}` } = options;
  if (
    typeof pool !== 'object' ||
    pool === null ||
    typeof pool.submit !== 'function' ||
    typeof pool.getSnapshot !== 'function'
  )
    throw new InvalidOptionError('pool', pool, 'a pool from createPool()');
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidOptionError('name', name, 'a non-empty string');
  const snapshot = pool.getSnapshot();
  const size = Math.max(1, snapshot.bounds?.max ?? snapshot.size);
  return {
    ...location,
    pool,
    name,
    concurrency: wholeNumber(
      'concurrency',
      options.concurrency,
      size,
      1,
      100_000,
      'jobs taken at once',
    ),
    maxStalled: wholeNumber(
      'maxStalled',
      options.maxStalled,
      1,
      0,
      1_000,
      'times a job may stall and run again',
    ),
    lockDurationMs: duration(
      'lockDurationMs',
      options.lockDurationMs,
      30_000,
      "a running job's lock",
    ),
    stalledIntervalMs: duration(
      'stalledIntervalMs',
      options.stalledIntervalMs,
      30_000,
      'how often stalled jobs are looked for',
    ),
    clock: options.clock ?? systemClock,
  };
}
