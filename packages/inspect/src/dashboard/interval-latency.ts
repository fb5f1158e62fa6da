import { percentilesOf, type HistogramSnapshot, type PoolMetrics } from '@troupe/core';

/**
 * p50 and p99 of the runs that completed between two snapshots of one source: the latency
 * histogram now less the one before, bucket by bucket. A pool's own percentiles cover its whole
 * life; a chart over the last minutes wants each interval's. `null` when nothing completed in
 * between. Without histograms (metrics made elsewhere), or when the counts went down (a new
 * source behind the name), the snapshot's own percentiles.
 */
export function intervalLatency(
  before: PoolMetrics | undefined,
  now: PoolMetrics,
): { p50: number | null; p99: number | null } {
  const current = now.histograms?.latency;
  const previous = before?.histograms?.latency;
  if (current === undefined) return whole(now);
  if (previous === undefined) return percentiles(current);
  const delta = subtract(current, previous);
  return delta === undefined ? percentiles(current) : percentiles(delta);
}

function whole(metrics: PoolMetrics): { p50: number | null; p99: number | null } {
  const { count, p50, p99 } = metrics.latency;
  return count === 0 ? { p50: null, p99: null } : { p50, p99 };
}

function percentiles(histogram: HistogramSnapshot): { p50: number | null; p99: number | null } {
  if (histogram.count === 0) return { p50: null, p99: null };
  const { p50, p99 } = percentilesOf(histogram);
  return { p50, p99 };
}

/** `a - b`, bucket by bucket (both sparse, increasing); `undefined` if any count would go below 0. */
function subtract(a: HistogramSnapshot, b: HistogramSnapshot): HistogramSnapshot | undefined {
  if (b.count > a.count) return undefined;
  const buckets: number[] = [];
  let j = 0;
  for (let i = 0; i < a.buckets.length; i += 2) {
    const index = a.buckets[i]!;
    let count = a.buckets[i + 1]!;
    while (j < b.buckets.length && b.buckets[j]! < index) {
      if (b.buckets[j + 1]! > 0) return undefined;
      j += 2;
    }
    if (j < b.buckets.length && b.buckets[j] === index) {
      count -= b.buckets[j + 1]!;
      j += 2;
    }
    if (count < 0) return undefined;
    if (count > 0) buckets.push(index, count);
  }
  if (j < b.buckets.length) return undefined;
  // The largest value of the interval is not known; the whole life's bounds the top bucket.
  return { count: a.count - b.count, max: a.max, sum: Math.max(0, a.sum - b.sum), buckets };
}
