import type { AgingOptions } from '../queues/priority-queue.js';
import type { DynamicSize } from '../scaling/sizing-options.js';
import { createPool } from './create-pool.js';
import type { Pool } from './pool.js';
import type { BatchPoolOptions, PoolOptions } from './options.js';
import type { OverflowPolicy } from '../queues/queue-options.js';

/*
 * The seed's four pool kinds by name: thin presets over `createPool`, nothing of their own.
 */

/** A pool of exactly `size` workers (the default kind). */
export function fixedPool<TInput, TOutput, TResource = unknown>(
  options: Omit<PoolOptions<TInput, TOutput, TResource>, 'size'> & {
    readonly size: number;
  },
): Pool<TInput, TOutput> {
  return createPool<TInput, TOutput, TResource>(options);
}

/** A pool that sizes itself between `min` and `max` (see `DynamicSize`). */
export function dynamicPool<TInput, TOutput, TResource = unknown>(
  options: Omit<PoolOptions<TInput, TOutput, TResource>, 'size'> & DynamicSize,
): Pool<TInput, TOutput> {
  const { min, max, idleTimeoutMs, target, cooldownMs, dryRun, ...rest } = options;
  const size: DynamicSize = {
    min,
    max,
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    ...(target === undefined ? {} : { target }),
    ...(cooldownMs === undefined ? {} : { cooldownMs }),
    ...(dryRun === undefined ? {} : { dryRun }),
  };
  return createPool<TInput, TOutput, TResource>({ ...rest, size });
}

/** A pool whose queue orders by priority (`0 … levels-1`, higher first), with optional aging. */
export function priorityPool<TInput, TOutput, TResource = unknown>(
  options: Omit<PoolOptions<TInput, TOutput, TResource>, 'queue'> & {
    readonly levels?: number;
    readonly aging?: AgingOptions;
    readonly capacity?: number;
    readonly overflow?: OverflowPolicy;
  },
): Pool<TInput, TOutput> {
  const { levels, aging, capacity, overflow, ...rest } = options;
  return createPool<TInput, TOutput, TResource>({
    ...rest,
    queue: {
      kind: 'priority',
      ...(levels === undefined ? {} : { levels }),
      ...(aging === undefined ? {} : { aging }),
      ...(capacity === undefined ? {} : { capacity }),
      ...(overflow === undefined ? {} : { overflow }),
    },
  });
}

/** A pool whose worker takes batches of inputs (see `BatchPoolOptions`). */
export function batchPool<TInput, TOutput, TResource = unknown>(
  options: BatchPoolOptions<TInput, TOutput, TResource>,
): Pool<TInput, TOutput> {
  return createPool<TInput, TOutput, TResource>(options);
}
