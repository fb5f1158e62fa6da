import type { InspectionEvent, Observer } from 'xstate';
import type { Clock } from '../time/clock.js';
import { resolveClock } from '../time/resolve-clock.js';
import { InvalidOptionError } from '../errors.js';
import { describeValue, isInstance } from '../describe-value.js';
import { checkPositive, checkSize } from '../option-checks.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import type { Either } from '../result.js';
import { resolveRetry, type RetryOptions, type RetryPolicy } from '../supervision/retry-policy.js';
import {
  resolveSupervision,
  type SupervisionConfig,
  type SupervisionOptions,
} from '../supervision/supervision-options.js';
import type { WorkerLogic, WorkerSpec } from '../worker/worker-logic.js';
import { resolveWorker } from '../worker/resolve-worker.js';
import { resolveQueue, type QueueConfig, type QueueOptions } from '../queues/queue-options.js';
import { resolveMetrics, type MetricsOptions } from '../metrics/metrics-options.js';
import type { RateOptions } from '../scheduling/rate-limiter.js';
import { resolveRate } from '../scheduling/rate-options.js';
import { resolveBatch, type BatchOptions } from '../batching/batch-options.js';
import { resolveSize, type DynamicSize, type SizingConfig } from '../scaling/sizing-options.js';
import type { TaskTracing } from '../tracing/task-tracing.js';
import { resolveTracing } from '../tracing/resolve-tracing.js';
import type { TracingOptions } from '../tracing/tracing-options.js';

/** Everything `createPool` takes. */
export interface PoolOptions<TInput, TOutput, TResource = unknown> {
  /**
   * Names the pool in ids, events and errors.
   * @default 'pool'
   */
  readonly name?: string;
  /** What a worker does: an (async) function, or logic from an executor such as `fromAsync`. */
  readonly worker: WorkerSpec<TInput, TOutput, TResource>;
  /**
   * Number of workers (each runs one task at a time), or a dynamic size: `{ min, max,
   * idleTimeoutMs, target, cooldownMs, dryRun }` — the pool starts `min` workers, starts one
   * more at once whenever work waits (up to `max`), retires workers idle for `idleTimeoutMs`
   * (down to `min`, which may be 0), and resizes towards `target` on each metrics tick.
   * @default 1
   */
  readonly size?: number | DynamicSize;
  /** The queue in front of the workers. */
  readonly queue?: QueueOptions;
  /**
   * Default per-task time limit in ms, counted from the moment the task starts running.
   * A task past it settles `TaskTimedOut` and its worker is replaced. `Infinity` means no limit.
   * @default undefined (no limit)
   */
  readonly timeoutMs?: number;
  /**
   * The source of time for timeouts, metrics and machines.
   * @default systemClock
   */
  readonly clock?: Clock;
  /** An XState inspection observer, attached to the pool actor and every worker actor. */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Metric windows and stream interval. */
  readonly metrics?: MetricsOptions;
  /** How crashed workers are restarted, and when the pool gives up. */
  readonly supervision?: SupervisionOptions;
  /**
   * Retries for failed, timed-out and crashed tasks (a task's own `retry` overrides it).
   * @default { attempts: 1 } (no retry)
   */
  readonly retry?: RetryOptions;
  /**
   * A task that crashed (or hung) its worker this many times is not retried again: it goes
   * to `deadLetters$` and ends `WorkerCrashed` with `quarantined: true`. `Infinity` turns it off.
   * @default 2
   */
  readonly quarantineAfter?: number;
  /**
   * A limit on task starts, alongside the concurrency limit: at most `limit` starts in any
   * window of `intervalMs` (a token bucket whose tokens return `intervalMs` after use, so a quiet
   * pool may start `limit` at once). Tasks wait in the queue meanwhile;
   * `metrics.throttledMs` counts the time spent throttled.
   * @default undefined (no limit)
   */
  readonly rate?: RateOptions;
  /**
   * Source of randomness for backoff jitter, numbers in [0, 1).
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * OpenTelemetry spans for each task's queue wait and run, children of the submitter's active
   * context (see the observing guide). Decided here, once: without it nothing is traced and
   * nothing on the task path asks.
   * @default undefined (no tracing)
   */
  readonly tracing?: TracingOptions;
  /** Only in `BatchPoolOptions`, whose worker takes arrays. */
  readonly batch?: never;
}

/** What a batch worker returns: one result per item, in order — a value, or an `Either` for that item. */
export type BatchOutput<TOutput> = readonly (TOutput | Either<unknown, TOutput>)[];

/**
 * Options of a batch pool: the worker takes an array of up to `batch.size` inputs and returns
 * one result per item. Submits still take and give single items.
 */
export interface BatchPoolOptions<TInput, TOutput, TResource = unknown> extends Omit<
  PoolOptions<TInput[], BatchOutput<TOutput>, TResource>,
  'batch'
> {
  readonly batch: BatchOptions;
}

/** Options after validation and defaults. */
export interface PoolConfig<TInput, TOutput> extends QueueConfig {
  readonly name: string;
  readonly logic: WorkerLogic<TInput, TOutput, unknown>;
  /** Workers to start with (`min` for a dynamic pool). */
  readonly size: number;
  /** Dynamic sizing; `undefined` for a fixed size. */
  readonly sizing: SizingConfig | undefined;
  readonly timeoutMs: number | undefined;
  readonly clock: Clock;
  readonly windowMs: number;
  readonly intervalMs: number;
  readonly supervision: SupervisionConfig;
  readonly retry: RetryPolicy | undefined;
  readonly quarantineAfter: number;
  readonly rate: RateOptions | undefined;
  readonly batch: BatchOptions | undefined;
  readonly random: () => number;
  /** The pool's tracing; `undefined` (the common case) when it has none. */
  readonly tracing: TaskTracing | undefined;
}

/** The options `createPool` knows (a system's pool entries take the same, less a few). */
export const POOL_OPTION_NAMES: readonly string[] = [
  'name',
  'worker',
  'size',
  'queue',
  'timeoutMs',
  'clock',
  'inspect',
  'metrics',
  'supervision',
  'retry',
  'quarantineAfter',
  'rate',
  'random',
  'batch',
  'tracing',
];

/**
 * Validates `createPool` options and applies the defaults; throws `InvalidOptionError` naming the
 * first bad one — also when reading an option throws (a getter, a Proxy): it names that option.
 */
export function resolvePoolOptions<TInput, TOutput, TResource>(
  options: PoolOptions<TInput, TOutput, TResource>,
): PoolConfig<TInput, TOutput> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'an object with at least `worker`');
  }
  const reading = { option: 'options' };
  try {
    return readPoolOptions(options, reading);
  } catch (error) {
    if (isInstance(error, InvalidOptionError)) throw error;
    let value: unknown = options;
    try {
      if (reading.option !== 'options')
        value = (options as unknown as Record<string, unknown>)[reading.option];
    } catch {
      // The option cannot even be read: the message names it all the same.
    }
    throw new InvalidOptionError(
      reading.option,
      value,
      `a value that can be read (reading it threw ${describeValue(error)})`,
    );
  }
}

/**
 * `resolvePoolOptions` without the guard: one named step per option, in the order the errors
 * are reported; each concern's step lives with that concern (queue, sizing, batching, …).
 * `reading.option` names the option being read, for a read that throws.
 */
function readPoolOptions<TInput, TOutput, TResource>(
  options: PoolOptions<TInput, TOutput, TResource>,
  reading: { option: string },
): PoolConfig<TInput, TOutput> {
  rejectUnknownOptions('', options, POOL_OPTION_NAMES);
  reading.option = 'worker';
  const worker = resolveWorker(options.worker);
  reading.option = 'name';
  const name = resolveName(options.name);
  reading.option = 'size';
  const { size, sizing } = resolveSize(options.size);
  reading.option = 'queue';
  const { capacity, overflow, priority } = resolveQueue(options.queue);
  reading.option = 'timeoutMs';
  const timeoutMs = resolveTimeout(options.timeoutMs);
  reading.option = 'clock';
  const clock = resolveClock(options.clock);
  reading.option = 'metrics';
  const { windowMs, intervalMs } = resolveMetrics(options.metrics);
  reading.option = 'inspect';
  checkInspect(options.inspect);
  reading.option = 'supervision';
  const supervision = resolveSupervision(options.supervision);
  reading.option = 'retry';
  const retry = options.retry === undefined ? undefined : resolveRetry(options.retry, 'retry');
  reading.option = 'quarantineAfter';
  const quarantineAfter = resolveQuarantine(options.quarantineAfter);
  reading.option = 'rate';
  const rate = resolveRate(options.rate);
  // Batch pools come in through `BatchPoolOptions` (their worker takes arrays).
  reading.option = 'batch';
  const batch = resolveBatch(
    (options as { readonly batch?: BatchOptions }).batch,
    priority === undefined ? 'fifo' : 'priority',
  );
  reading.option = 'random';
  const random = resolveRandom(options.random);
  reading.option = 'tracing';
  const { tracing, logic } = resolveTracing(options.tracing, name, clock, worker);
  return {
    name,
    logic,
    size,
    sizing,
    capacity,
    overflow,
    priority,
    timeoutMs,
    clock,
    windowMs,
    intervalMs,
    supervision,
    retry,
    quarantineAfter,
    rate,
    batch,
    random,
    tracing,
  };
}

function resolveName(given: unknown): string {
  const name = given ?? 'pool';
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidOptionError('name', name, 'a non-empty string');
  }
  return name;
}

function resolveTimeout(timeoutMs: number | undefined): number | undefined {
  return timeoutMs === undefined ? undefined : checkPositive('timeoutMs', timeoutMs, true);
}

function checkInspect(inspect: unknown): void {
  if (
    inspect !== undefined &&
    typeof inspect !== 'function' &&
    (typeof inspect !== 'object' ||
      inspect === null ||
      typeof (inspect as { next?: unknown }).next !== 'function')
  ) {
    throw new InvalidOptionError(
      'inspect',
      inspect,
      'an XState inspection observer (function or { next })',
    );
  }
}

function resolveQuarantine(given: number | undefined): number {
  const quarantineAfter = given ?? 2;
  if (quarantineAfter !== Infinity) checkSize('quarantineAfter', quarantineAfter);
  return quarantineAfter;
}

function resolveRandom(given: (() => number) | undefined): () => number {
  const random = given ?? Math.random;
  if (typeof random !== 'function') {
    throw new InvalidOptionError('random', random, 'a function returning numbers in [0, 1)');
  }
  return random;
}
