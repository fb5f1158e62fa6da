import type { PoolFailedError } from '../errors.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { SizingConfig } from '../scaling/sizing-options.js';
import type { SinkSnapshot } from '../sink.js';
import type { PoolEngine } from './pool-engine.js';
import type { PoolState } from './pool-events.js';
import type { PoolContext } from './pool-machine-types.js';
import type { WorkerSnapshot } from '../engine/worker-roster.js';

/** A pool at one moment. */
export interface PoolSnapshot extends SinkSnapshot {
  readonly name: string;
  readonly state: PoolState;
  /**
   * The number of workers asked for: the `size` option or the last `resize(n)` (a dynamic
   * pool: its current target). Under `restart: 'temporary'` a fixed pool keeps showing it as
   * workers go; `metrics.workers` counts those ready.
   */
  readonly size: number;
  /** A dynamic pool's bounds now (absent for a fixed size). */
  readonly bounds?: { readonly min: number; readonly max: number };
  readonly workers: readonly WorkerSnapshot[];
  readonly metrics: PoolMetrics;
  /** Whether dispatch is paused (`pause()`). */
  readonly paused: boolean;
  /** Why the pool is `failed`, when it is. */
  readonly failure?: PoolFailedError;
}

/** Where a snapshot is read from. */
export interface SnapshotSources {
  readonly name: string;
  readonly state: PoolState;
  /** The pool actor's context now. */
  readonly context: Pick<PoolContext, 'size' | 'requestedSize' | 'failure'>;
  readonly sizing: SizingConfig | undefined;
  readonly engine: Pick<PoolEngine<unknown, unknown>, 'workers' | 'isPaused' | 'bounds'>;
  readonly metrics: PoolMetrics;
}

/** `Pool.getSnapshot`: the pool's state, size, workers and metrics now. */
export function takeSnapshot(sources: SnapshotSources): PoolSnapshot {
  const { name, state, context, sizing, engine, metrics } = sources;
  const snapshot: PoolSnapshot = {
    name,
    state,
    // A fixed pool shows the size asked for (seats forgotten under 'temporary' leave it as
    // it is: `metrics.workers` counts who is left); a dynamic one its current target.
    size: sizing === undefined ? context.requestedSize : context.size,
    workers: engine.workers(),
    metrics,
    paused: engine.isPaused,
  };
  const withBounds =
    engine.bounds === undefined ? snapshot : { ...snapshot, bounds: { ...engine.bounds } };
  return context.failure === undefined ? withBounds : { ...withBounds, failure: context.failure };
}
