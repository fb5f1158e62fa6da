import type { InspectionEvent, Observer } from 'xstate';
import { systemClock, type Clock } from '../time/clock.js';
import { InvalidOptionError } from '../errors.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import { describeValue, isInstance } from '../describe-value.js';
import { fromAsync } from '../executors/from-async.js';
import { resolveRetry, type RetryOptions, type RetryPolicy } from '../supervision/retry-policy.js';
import {
  resolveSupervision,
  type SupervisionConfig,
  type SupervisionOptions,
} from '../supervision/supervision-options.js';
import { isWorkerLogic, type WorkerLogic, type WorkerSpec } from '../worker/worker-logic.js';
import type { AgingOptions } from '../queues/priority-queue.js';
import type { RateOptions } from '../scheduling/rate-limiter.js';
import type { BatchOptions } from '../batching/batch-options.js';
import { resolveSizing, type DynamicSize, type SizingConfig } from '../scaling/sizing-options.js';

/** What to do with a submit when the queue is full. */
export type OverflowPolicy = 'reject' | 'wait' | 'drop-oldest';

/** The pool's queue. */
export interface QueueOptions {
  /**
   * `'fifo'`: first in, first out. `'priority'`: integer priorities `0 … levels-1`, higher runs
   * first, FIFO within a level, with optional aging (see the scheduling guide).
   * @default 'fifo'
   */
  readonly kind?: 'fifo' | 'priority';
  /**
   * Number of priority levels (`kind: 'priority'` only); a task's `priority` is `0 … levels-1`.
   * @default 3
   */
  readonly levels?: number;
  /**
   * Aging (`kind: 'priority'` only): a waiting task's effective level rises one level every
   * `everyMs`, up to the top, so no task waits more than `(levels - 1) × everyMs` plus the
   * top-level tasks that arrived before it.
   * @default undefined (strict priority: low levels may starve under sustained high-level load)
   */
  readonly aging?: AgingOptions;
  /**
   * Most tasks the queue holds (running tasks not counted). `Infinity` for unbounded. `0`: no
   * queue at all — a task starts at once on a free worker or is refused (`TaskRejected`,
   * `queue-full`), as with `'drop-oldest'` too; under `'wait'` it waits for a free worker.
   * @default 10_000
   */
  readonly capacity?: number;
  /**
   * When the queue is full: `'reject'` refuses the submit (`TaskRejected`, `queue-full`);
   * `'wait'` makes `submit` wait for room (backpressure); `'drop-oldest'` evicts the oldest
   * queued task (it gets `TaskRejected`, `queue-full`) to make room.
   * @default 'reject'
   */
  readonly overflow?: OverflowPolicy;
}

/** How metrics are windowed and streamed. */
export interface MetricsOptions {
  /**
   * The sliding window for `throughput` and `utilisation`.
   * @default 10_000
   */
  readonly windowMs?: number;
  /**
   * How often `metrics$` emits while subscribed.
   * @default 1_000
   */
  readonly intervalMs?: number;
}

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
  /** Only in `BatchPoolOptions`, whose worker takes arrays. */
  readonly batch?: never;
}

/** Options after validation and defaults. */
export interface PoolConfig<TInput, TOutput> {
  readonly name: string;
  readonly logic: WorkerLogic<TInput, TOutput, unknown>;
  /** Workers to start with (`min` for a dynamic pool). */
  readonly size: number;
  /** Dynamic sizing; `undefined` for a fixed size. */
  readonly sizing: SizingConfig | undefined;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  /** `undefined` for a FIFO queue. */
  readonly priority:
    { readonly levels: number; readonly aging: AgingOptions | undefined } | undefined;
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
}

const OVERFLOWS: readonly OverflowPolicy[] = ['reject', 'wait', 'drop-oldest'];
const KNOWN = [
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
];

/** Throws unless `value` is a whole number ≥ 1. */
export function checkSize(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError(option, value, 'a whole number >= 1');
  }
  return value;
}

function checkPositive(option: string, value: unknown, allowInfinity: boolean): number {
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value <= 0 ||
    (!allowInfinity && !Number.isFinite(value))
  ) {
    throw new InvalidOptionError(
      option,
      value,
      allowInfinity
        ? 'a number > 0 (milliseconds), or Infinity'
        : 'a finite number > 0 (milliseconds)',
    );
  }
  return value;
}

function checkObject(option: string, value: unknown, known?: readonly string[]): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new InvalidOptionError(option, value, 'an object');
  }
  if (known !== undefined && value !== undefined) rejectUnknownOptions(option, value, known);
}

/** Most priority levels a queue may have (each `shift` looks at every level's head). */
const MAX_LEVELS = 256;

function resolvePriority(
  queue: QueueOptions | undefined,
): PoolConfig<unknown, unknown>['priority'] {
  const kind = queue?.kind ?? 'fifo';
  if (kind !== 'fifo' && kind !== 'priority') {
    throw new InvalidOptionError('queue.kind', kind, "'fifo' | 'priority'");
  }
  if (kind === 'fifo') {
    for (const option of ['levels', 'aging'] as const) {
      if (queue?.[option] !== undefined) {
        throw new InvalidOptionError(
          `queue.${option}`,
          queue[option],
          "nothing unless queue.kind is 'priority'",
        );
      }
    }
    return undefined;
  }
  const levels = queue?.levels ?? 3;
  if (
    typeof levels !== 'number' ||
    !Number.isInteger(levels) ||
    levels < 1 ||
    levels > MAX_LEVELS
  ) {
    throw new InvalidOptionError('queue.levels', levels, `a whole number from 1 to ${MAX_LEVELS}`);
  }
  const aging = queue?.aging;
  if (aging === undefined) return { levels, aging: undefined };
  checkObject('queue.aging', aging, ['everyMs']);
  return { levels, aging: { everyMs: checkPositive('queue.aging.everyMs', aging.everyMs, false) } };
}

/** `batch` (batch pools only), which cannot go with a priority queue. */
function resolveBatch(
  batch: BatchOptions | undefined,
  priority: PoolConfig<unknown, unknown>['priority'],
): BatchOptions | undefined {
  if (batch === undefined) return undefined;
  checkObject('batch', batch, ['size', 'maxWaitMs']);
  const size = checkSize('batch.size', batch.size);
  const maxWaitMs = checkPositive('batch.maxWaitMs', batch.maxWaitMs, false);
  if (priority !== undefined) {
    throw new InvalidOptionError(
      'queue.kind',
      'priority',
      "'fifo' in a batch pool (it queues batches, which have no priority of their own)",
    );
  }
  return { size, maxWaitMs };
}

function resolveRate(rate: RateOptions | undefined): RateOptions | undefined {
  if (rate === undefined) return undefined;
  checkObject('rate', rate, ['limit', 'intervalMs']);
  const limit = checkSize('rate.limit', rate.limit);
  const intervalMs = checkPositive('rate.intervalMs', rate.intervalMs, false);
  return { limit, intervalMs };
}

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
 * are reported. `reading.option` names the option being read, for a read that throws.
 */
function readPoolOptions<TInput, TOutput, TResource>(
  options: PoolOptions<TInput, TOutput, TResource>,
  reading: { option: string },
): PoolConfig<TInput, TOutput> {
  rejectUnknownOptions('', options, KNOWN);
  reading.option = 'worker';
  const logic = resolveWorker(options.worker);
  reading.option = 'name';
  const name = resolveName(options.name);
  reading.option = 'size';
  const { size, sizing } = resolveSize(options.size);
  reading.option = 'queue';
  const { capacity, overflow, priority } = resolveQueue(options.queue);
  reading.option = 'timeoutMs';
  const timeoutMs =
    options.timeoutMs === undefined
      ? undefined
      : checkPositive('timeoutMs', options.timeoutMs, true);
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
  const quarantineAfter = options.quarantineAfter ?? 2;
  if (quarantineAfter !== Infinity) checkSize('quarantineAfter', quarantineAfter);
  reading.option = 'rate';
  const rate = resolveRate(options.rate);
  // Batch pools come in through `BatchPoolOptions` (their worker takes arrays).
  reading.option = 'batch';
  const batch = resolveBatch((options as { readonly batch?: BatchOptions }).batch, priority);
  reading.option = 'random';
  const random = resolveRandom(options.random);
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
  };
}

/** `worker`: an (async) function becomes `fromAsync` logic; logic is taken as it is. */
function resolveWorker<TInput, TOutput, TResource>(
  worker: WorkerSpec<TInput, TOutput, TResource>,
): WorkerLogic<TInput, TOutput, unknown> {
  let logic: WorkerLogic<TInput, TOutput, unknown>;
  if (typeof worker === 'function')
    logic = fromAsync({ run: worker }) as WorkerLogic<TInput, TOutput, unknown>;
  else if (isWorkerLogic(worker)) logic = worker as WorkerLogic<TInput, TOutput, unknown>;
  else
    throw new InvalidOptionError(
      'worker',
      worker,
      'an (async) function, or worker logic from fromAsync() or another executor',
    );
  const lanes = logic.concurrency;
  if (lanes !== undefined && !(Number.isInteger(lanes) && lanes >= 1 && lanes <= 1_024)) {
    throw new InvalidOptionError(
      'worker.concurrency',
      lanes,
      'a whole number from 1 to 1024 (tasks one worker runs at once)',
    );
  }
  return logic;
}

function resolveName(given: unknown): string {
  const name = given ?? 'pool';
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidOptionError('name', name, 'a non-empty string');
  }
  return name;
}

/** `size`: a fixed number of workers, or dynamic bounds (the pool starts with `min`). */
function resolveSize(given: number | DynamicSize | undefined): {
  size: number;
  sizing: SizingConfig | undefined;
} {
  const option = given ?? 1;
  if (typeof option === 'object' && option !== null) {
    const sizing = resolveSizing(option);
    return { size: sizing.min, sizing };
  }
  return { size: checkSize('size', option), sizing: undefined };
}

function resolveQueue(
  queue: QueueOptions | undefined,
): Pick<PoolConfig<unknown, unknown>, 'capacity' | 'overflow' | 'priority'> {
  checkObject('queue', queue, ['kind', 'levels', 'aging', 'capacity', 'overflow']);
  const capacity = queue?.capacity ?? 10_000;
  if (
    typeof capacity !== 'number' ||
    !(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 0))
  ) {
    throw new InvalidOptionError('queue.capacity', capacity, 'a whole number >= 0, or Infinity');
  }
  const overflow = queue?.overflow ?? 'reject';
  if (!OVERFLOWS.includes(overflow)) {
    throw new InvalidOptionError(
      'queue.overflow',
      overflow,
      OVERFLOWS.map((o) => `'${o}'`).join(' | '),
    );
  }
  return { capacity, overflow, priority: resolvePriority(queue) };
}

function resolveClock(given: Clock | undefined): Clock {
  const clock = given ?? systemClock;
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function'
  ) {
    throw new InvalidOptionError(
      'clock',
      clock,
      'an object with now(), setTimeout() and clearTimeout()',
    );
  }
  return clock;
}

function resolveMetrics(metrics: MetricsOptions | undefined): {
  windowMs: number;
  intervalMs: number;
} {
  checkObject('metrics', metrics, ['windowMs', 'intervalMs']);
  const windowMs = checkPositive('metrics.windowMs', metrics?.windowMs ?? 10_000, false);
  const intervalMs = checkPositive('metrics.intervalMs', metrics?.intervalMs ?? 1_000, false);
  return { windowMs, intervalMs };
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

function resolveRandom(given: (() => number) | undefined): () => number {
  const random = given ?? Math.random;
  if (typeof random !== 'function') {
    throw new InvalidOptionError('random', random, 'a function returning numbers in [0, 1)');
  }
  return random;
}
