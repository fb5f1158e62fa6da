import fc from 'fast-check';
import type { BatchOptions, DynamicSize, PoolOptions } from '@troupe/core';

/**
 * A pool's options without what a test gives itself (`worker`, `clock`, `random`, `inspect`)
 * and its `name`: sizing, queue, timeouts, supervision, retry, quarantine, rate, metrics, and
 * (for a batch pool) batching.
 */
export type PoolOptionsSet = Omit<
  PoolOptions<never, never>,
  'worker' | 'clock' | 'inspect' | 'random' | 'name' | 'batch'
> & { readonly batch?: BatchOptions };

/** How {@link arbPoolOptions} draws. */
export interface PoolOptionsConstraints {
  /** Most workers (a fixed size, or a dynamic `max`). @default 4 */
  readonly maxSize?: number;
  /** Fixed sizes, dynamic ones, or both. @default 'any' */
  readonly sizing?: 'fixed' | 'dynamic' | 'any';
  /** Batch pools: never, sometimes, or always (their worker takes arrays). @default 'never' */
  readonly batch?: 'never' | 'maybe' | 'always';
}

const ms = (...values: number[]): fc.Arbitrary<number> => fc.constantFrom(...values);

const backoff = fc
  .record(
    {
      minMs: ms(0, 1, 10, 100),
      spanMs: ms(0, 10, 1_000),
      factor: fc.constantFrom(1, 2, 3),
      jitter: fc.constantFrom(0, 0.2, 1),
    },
    { requiredKeys: [] },
  )
  .map(({ minMs, spanMs, factor, jitter }) => ({
    ...(minMs === undefined ? {} : { minMs }),
    ...(spanMs === undefined ? {} : { maxMs: Math.max(5_000, minMs ?? 10) + spanMs }),
    ...(factor === undefined ? {} : { factor }),
    ...(jitter === undefined ? {} : { jitter }),
  }));

const supervision = fc.record(
  {
    strategy: fc.constantFrom('one-for-one', 'one-for-all', 'rest-for-one'),
    restart: fc.constantFrom('permanent', 'transient', 'temporary'),
    maxRestarts: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(Infinity)),
    withinMs: ms(100, 1_000, 10_000, 60_000),
    backoff,
    resetAfterMs: ms(0, 100, 10_000),
    setupTimeoutMs: ms(10, 1_000, Infinity),
    timeouts: fc.constantFrom('fail-task', 'crash-worker'),
  } as const,
  { requiredKeys: [] },
);

const fifo = fc.record(
  {
    kind: fc.constant('fifo' as const),
    capacity: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(100, Infinity)),
    overflow: fc.constantFrom('reject', 'wait', 'drop-oldest'),
  } as const,
  { requiredKeys: [] },
);

const priority = fc.record(
  {
    kind: fc.constant('priority' as const),
    levels: fc.integer({ min: 1, max: 5 }),
    aging: fc.record({ everyMs: ms(10, 100, 1_000) }),
    capacity: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(100, Infinity)),
    overflow: fc.constantFrom('reject', 'wait', 'drop-oldest'),
  } as const,
  { requiredKeys: ['kind'] },
);

function size(
  maxSize: number,
  sizing: 'fixed' | 'dynamic' | 'any',
): fc.Arbitrary<number | DynamicSize> {
  const fixed = fc.integer({ min: 1, max: maxSize });
  const dynamic = fc
    .record({
      min: fc.integer({ min: 0, max: maxSize }),
      max: fc.integer({ min: 1, max: maxSize }),
      more: fc.record(
        {
          idleTimeoutMs: ms(10, 1_000, 10_000, Infinity),
          cooldownMs: ms(10, 1_000, 5_000),
          target: fc.oneof(
            fc.record({ utilisation: fc.constantFrom(0.25, 0.5, 0.8, 1) }),
            fc.record({ queueWaitP99Ms: ms(10, 100, 1_000) }),
          ),
          dryRun: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
    })
    .map(({ min, max, more }) => {
      const [lo, hi] = [Math.min(min, max), Math.max(min, max)];
      // A dry run starts no worker itself: it needs at least one.
      return { ...more, min: more.dryRun === true ? Math.max(1, lo) : lo, max: hi };
    });
  return sizing === 'fixed' ? fixed : sizing === 'dynamic' ? dynamic : fc.oneof(fixed, dynamic);
}

/**
 * Valid pool options — every value passes `createPool`'s own validation (the test kit's
 * property tests check it): fixed or dynamic sizing, FIFO or priority queues with capacity and
 * overflow, timeouts, supervision, retry, quarantine, rate limits, metrics windows and
 * (when asked) batching. Add `worker` and `clock` to make a pool.
 *
 * @example
 * fc.assert(fc.asyncProperty(arbPoolOptions(), async (options) => {
 *   const pool = createPool({ ...options, worker, clock }).start();
 *   …
 * }));
 */
export function arbPoolOptions(
  constraints: PoolOptionsConstraints = {},
): fc.Arbitrary<PoolOptionsSet> {
  const { maxSize = 4, sizing = 'any', batch = 'never' } = constraints;
  if (!Number.isInteger(maxSize) || maxSize < 1)
    throw new RangeError(`arbPoolOptions: maxSize must be a whole number >= 1 (got ${maxSize})`);
  const batchArb = fc.record({ size: fc.integer({ min: 1, max: 5 }), maxWaitMs: ms(1, 10, 100) });
  const base = fc.record(
    {
      size: size(maxSize, sizing),
      queue: fc.oneof(fifo, priority),
      timeoutMs: ms(10, 100, 1_000, Infinity),
      supervision,
      retry: fc.record({ attempts: fc.integer({ min: 1, max: 3 }), backoff }, { requiredKeys: [] }),
      quarantineAfter: fc.constantFrom(1, 2, 3, Infinity),
      rate: fc.record({ limit: fc.integer({ min: 1, max: 5 }), intervalMs: ms(10, 100, 1_000) }),
      metrics: fc.record(
        { windowMs: ms(100, 1_000, 10_000), intervalMs: ms(10, 100, 1_000) },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['size'] },
  );
  if (batch === 'never') return base;
  const withBatch = fc.tuple(base, batchArb).map(([options, b]): PoolOptionsSet => {
    // A batch pool queues batches, which have no priority: its queue is FIFO.
    const { queue, ...rest } = options;
    const fifoQueue =
      queue === undefined || queue.kind !== 'priority'
        ? queue
        : {
            ...(queue.capacity === undefined ? {} : { capacity: queue.capacity }),
            ...(queue.overflow === undefined ? {} : { overflow: queue.overflow }),
          };
    return { ...rest, ...(fifoQueue === undefined ? {} : { queue: fifoQueue }), batch: b };
  });
  return batch === 'always' ? withBatch : fc.oneof(base, withBatch);
}
