/**
 * What the autoscaler needs of the pool it sizes, and all it may do to it: a leaf, so the
 * autoscaler depends on this and not on the engine (the pool handle wires it from the engine).
 */
import type { Observable } from 'rxjs';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { ScaleDecision, ScaleReason } from './autoscaler-machine.js';

/** The figures the autoscaler decides on at a tick. */
export interface ScaleSample {
  readonly metrics: PoolMetrics;
  /** p99 of queue wait since the previous sample (ms), or `undefined` when no task started. */
  readonly recentWaitP99: number | undefined;
  /** The pool's bounds now: the pool owns them, and `resize({ min, max })` moves them. */
  readonly bounds: { readonly min: number; readonly max: number };
}

/** A pool as its autoscaler sees it: its size, its figures, and a way to resize it. */
export interface ScalingPort {
  /** The number of workers the pool aims for now. */
  size(): number;
  /**
   * The figures at `now`; each call starts a new span of queue waits. `undefined` while
   * dispatch is paused: the queue then grows because nothing starts, not for want of workers,
   * so there is nothing to decide on.
   */
  sample(now: number): ScaleSample | undefined;
  /** Carries a decision out: the pool resizes, and tells `events$` why. */
  scale(decision: ScaleDecision): void;
  /** Only tells a decision (`size.dryRun`): `scale.up`/`scale.down` with `dryRun: true`. */
  report(decision: ScaleDecision): void;
  /** Why, each time the pool has resized itself (not a dry run): on demand, idleness or a target. */
  readonly scaled$: Observable<ScaleReason>;
}
