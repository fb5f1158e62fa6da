import { rejectUnknownOptions, systemClock, type Clock } from '@troupe/core';
import type { KeepJobs } from 'bullmq';
import {
  duration,
  resolveLocation,
  wholeNumber,
  type QueueLocation,
  type ResolvedLocation,
} from './queue-options.js';

/** Options of `fromBullmq`: where the queue is, and how the producer hands jobs to it. */
export interface BullmqProducerOptions extends QueueLocation {
  /**
   * Jobs one pool worker keeps in flight at once (its lanes): the pool's `size` times this is
   * how many of the pool's tasks are in the queue or running on consumers at once.
   * @default 1
   */
  readonly concurrency?: number;
  /**
   * Add every job with a BullMQ priority from the task's level (`ctx.priority`: higher runs
   * first), so that consumers take higher levels first across every producer of the queue.
   * Without it jobs go to BullMQ's plain wait list (its fastest path) in the order the pool
   * starts them — the pool's own priority queue still orders what waits on the producer.
   * @default false
   */
  readonly prioritized?: boolean;
  /**
   * How long a task waits for Redis to be reachable before its job is added, when Redis is down:
   * past it the task fails `TaskFailed` with a `RedisUnavailableError` (the pool's `retry` may
   * try again).
   * @default 30_000
   */
  readonly outageWaitMs?: number;
  /**
   * How often the producer checks, in Redis, on jobs it has not heard of for that long (a
   * completion it missed: its event trimmed from the stream, or lost with a Redis that
   * restarted empty). A job found finished settles; a job Redis no longer has is added again.
   * It also checks at once on every reconnection.
   * @default 10_000
   */
  readonly reconcileIntervalMs?: number;
  /**
   * BullMQ's `removeOnComplete` for the jobs: how long finished jobs (and their results) stay.
   * A job removed before its producer heard of its end is run again (at-least-once).
   * @default { age: 3600 } (an hour)
   */
  readonly removeOnComplete?: boolean | number | KeepJobs;
  /**
   * BullMQ's `removeOnFail` for the jobs.
   * @default { age: 86_400 } (a day)
   */
  readonly removeOnFail?: boolean | number | KeepJobs;
  /**
   * Timers (the reconcile and the outage wait).
   * @default systemClock
   */
  readonly clock?: Clock;
}

/** Checked producer options. */
export interface ProducerConfig extends ResolvedLocation {
  readonly concurrency: number;
  readonly prioritized: boolean;
  readonly outageWaitMs: number;
  readonly reconcileIntervalMs: number;
  readonly removeOnComplete: boolean | number | KeepJobs;
  readonly removeOnFail: boolean | number | KeepJobs;
  readonly clock: Clock;
}

const NAMES = [
  'queue',
  'connection',
  'prefix',
  'concurrency',
  'prioritized',
  'outageWaitMs',
  'reconcileIntervalMs',
  'removeOnComplete',
  'removeOnFail',
  'clock',
];

/** Checks `fromBullmq`'s options (throws `InvalidOptionError`) and fills in the defaults. */
export function resolveProducerOptions(options: BullmqProducerOptions): ProducerConfig {
  rejectUnknownOptions('', options, NAMES);
  const location = resolveLocation(options);
  return {
    ...location,
    concurrency: wholeNumber(
      'concurrency',
      options.concurrency,
      1,
      1,
      1_024,
      'jobs in flight per pool worker',
    ),
    prioritized: options.prioritized === true,
    outageWaitMs: duration(
      'outageWaitMs',
      options.outageWaitMs,
      30_000,
      'how long a task waits for Redis',
    ),
    reconcileIntervalMs: duration(
      'reconcileIntervalMs',
      options.reconcileIntervalMs,
      10_000,
      'how often jobs not heard of are checked',
    ),
    removeOnComplete: options.removeOnComplete ?? { age: 3_600 },
    removeOnFail: options.removeOnFail ?? { age: 86_400 },
    clock: options.clock ?? systemClock,
  };
}
