import type { Percentiles } from '../metrics/histogram.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { HealthWindow } from './judge-window.js';

/** What a window is made of: the figures of a snapshot it reads (any `PoolMetrics` has them). */
export type WindowFigures = Pick<
  PoolMetrics,
  'at' | 'completed' | 'failed' | 'crashed' | 'timedOut' | 'queued' | 'waiting' | 'latency'
>;

/** Runs that ended one way or another: progress, as far as a stall goes. */
const finished = (m: WindowFigures): number => m.completed + m.failed + m.crashed + m.timedOut;

/**
 * When the sink last made progress, given the previous figure and a new snapshot: now, when a
 * run finished since `previous` or nothing waits to start; otherwise unchanged.
 */
export function progressAt(previous: WindowFigures, current: WindowFigures, since: number): number {
  const waiting = current.queued + current.waiting;
  return waiting === 0 || finished(current) > finished(previous) ? current.at : since;
}

/**
 * The window between two snapshots of the same sink, a pure function: the counters' deltas, the
 * queue at its end and how long work has waited with no run finishing (`lastProgressAt`, as
 * {@link progressAt} keeps it).
 *
 * The p99 is an estimate: a snapshot's latency histogram covers every run since the pool
 * started, so the window's share is read off the difference of the two cumulative
 * distributions, each interpolated through its p50, p90, p99 and max. It is exact when the
 * earlier snapshot holds no completed run.
 */
export function windowBetween(
  previous: WindowFigures,
  current: WindowFigures,
  capacity: number,
  lastProgressAt: number,
): HealthWindow {
  const waiting = current.queued + current.waiting;
  return {
    from: previous.at,
    to: current.at,
    succeeded: current.completed - previous.completed,
    failed:
      current.failed +
      current.crashed +
      current.timedOut -
      (previous.failed + previous.crashed + previous.timedOut),
    p99Ms: windowP99(previous.latency, current.latency),
    queued: current.queued,
    capacity,
    stalledMs: waiting === 0 ? 0 : Math.max(0, current.at - lastProgressAt),
  };
}

/** Share of a cumulative distribution at or below `x`, linear between its known percentiles. */
function cdf(p: Percentiles, x: number): number {
  if (x >= p.max) return 1;
  const points: readonly [number, number][] = [
    [0, 0],
    [p.p50, 0.5],
    [p.p90, 0.9],
    [p.p99, 0.99],
    [p.max, 1],
  ];
  for (let i = 1; i < points.length; i++) {
    const [bx, by] = points[i]!;
    if (x >= bx) continue;
    const [ax, ay] = points[i - 1]!;
    return bx > ax ? ay + ((by - ay) * (x - ax)) / (bx - ax) : ay;
  }
  return 1;
}

/** The p99 of the runs recorded between two cumulative histograms (see `windowBetween`). */
function windowP99(previous: Percentiles, current: Percentiles): number | undefined {
  const n = current.count - previous.count;
  if (n <= 0) return undefined;
  if (previous.count === 0) return current.p99;
  const tail = (x: number): number =>
    current.count * (1 - cdf(current, x)) - previous.count * (1 - cdf(previous, x));
  // The least x with at most 1% of the window's runs above it.
  let lo = 0;
  let hi = current.max;
  for (let i = 0; i < 40 && hi - lo > 1e-3; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) <= 0.01 * n) hi = mid;
    else lo = mid;
  }
  return hi;
}
