/**
 * A Troupe histogram snapshot read as a Prometheus histogram: cumulative counts under fixed
 * upper bounds (`le`, in seconds), the `+Inf` count and the sum.
 */
import { bucketUpperEdge, type HistogramSnapshot } from '@troupe/core';

/**
 * The bounds of `troupe_task_duration_seconds` and `troupe_queue_wait_seconds` unless told
 * otherwise: half a millisecond to a minute, in the 1-2.5-5 steps of prom-client's defaults,
 * extended down for in-process tasks and up for long ones.
 */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/**
 * Which `le` bound each bucket of a snapshot counts under. Troupe buckets values by whole
 * microseconds (64 linear buckets per power of two), and most round bounds fall inside a bucket:
 * 2.5 ms lies in the bucket of 2496-2527 µs. A bucket counts under a bound only when every value
 * it may hold is at most the bound — its upper edge plus the half microsecond lost to rounding —
 * and otherwise under the next bound up (or `+Inf`). So each cumulative count is never more than
 * the number of values truly at most its bound, and a quantile read from the counts
 * (`histogram_quantile`) is never lower than one read from exact counts under the same bounds.
 * What it gives up: a value right at a bound, or less than 1/64 (about 1.6 %) below it, may count
 * under the next bound.
 */
export class LeBuckets {
  /** The bounds in seconds, increasing; `+Inf` is implied after the last. */
  readonly bounds: readonly number[];
  /** The `le` label of each bound, then `'+Inf'`. */
  readonly labels: readonly string[];
  /** Each bound in microseconds. */
  readonly #micros: Float64Array;
  /** Bucket index → bound index, for the buckets met so far (a snapshot lists few). */
  readonly #slots = new Map<number, number>();

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.labels = [...bounds.map(String), '+Inf'];
    this.#micros = Float64Array.from(bounds, (s) => s * 1e6);
  }

  /** How many values `read` writes: one per bound, `+Inf`, and the sum. */
  get size(): number {
    return this.bounds.length + 2;
  }

  /**
   * Writes into `out` the cumulative count under each bound, then the `+Inf` count (every value),
   * then the sum in seconds.
   */
  read(snapshot: HistogramSnapshot, out: Float64Array): void {
    out.fill(0);
    const { buckets } = snapshot;
    for (let i = 0; i < buckets.length; i += 2) out[this.#slot(buckets[i]!)]! += buckets[i + 1]!;
    const infinity = this.bounds.length;
    for (let b = 1; b <= infinity; b++) out[b]! += out[b - 1]!;
    // The sum is whole µs over 1000: back to µs, then to seconds, with one rounding.
    out[infinity + 1] = Math.round(snapshot.sum * 1000) / 1e6;
  }

  /** The first bound every value of `bucket` is at most (`bounds.length`: only `+Inf`). */
  #slot(bucket: number): number {
    const known = this.#slots.get(bucket);
    if (known !== undefined) return known;
    const highest = bucketUpperEdge(bucket) + 0.5;
    const micros = this.#micros;
    let low = 0;
    let high = micros.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (micros[mid]! >= highest) high = mid;
      else low = mid + 1;
    }
    this.#slots.set(bucket, low);
    return low;
  }
}
