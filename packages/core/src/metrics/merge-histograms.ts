/**
 * Histograms as plain data, added up and read: what makes a total's percentiles exact rather than
 * an average of averages. Pure functions over `HistogramSnapshot`s; no live histogram is made.
 */
import { describeValue } from '../describe-value.js';
import {
  BUCKETS,
  EMPTY_HISTOGRAM,
  bucketValue,
  type HistogramSnapshot,
  type Percentiles,
} from './histogram.js';

/**
 * The histogram of every value the given histograms recorded: counts added bucket by bucket, the
 * max the largest, the sums added (in whole microseconds, as they were recorded). Exactly what
 * one histogram would hold had it recorded all their values.
 * Throws a `TypeError` for a snapshot that is not one (a bucket index out of range, a count that
 * is not a whole number ≥ 0): snapshots may come from another process.
 */
export function mergeHistograms(snapshots: readonly HistogramSnapshot[]): HistogramSnapshot {
  let nonEmpty: HistogramSnapshot | undefined;
  let several = false;
  for (const snapshot of snapshots) {
    checkSnapshot(snapshot);
    if (snapshot.count === 0) continue;
    if (nonEmpty !== undefined) several = true;
    nonEmpty = snapshot;
  }
  if (nonEmpty === undefined) return EMPTY_HISTOGRAM;
  if (!several) return nonEmpty;
  // One dense pass: a merge of many sparse lists costs their lengths plus one scan of the buckets.
  const counts = new Float64Array(BUCKETS);
  let count = 0;
  let max = 0;
  let sumMicros = 0;
  for (const { buckets, count: n, max: m, sum } of snapshots) {
    count += n;
    if (m > max) max = m;
    sumMicros += Math.round(sum * 1000);
    for (let i = 0; i < buckets.length; i += 2) counts[buckets[i]!]! += buckets[i + 1]!;
  }
  const buckets: number[] = [];
  for (let b = 0; b < BUCKETS; b++) if (counts[b] !== 0) buckets.push(b, counts[b]!);
  return { count, max, sum: sumMicros / 1000, buckets };
}

/**
 * p50, p90, p99 and max of a histogram snapshot: the same figures `Histogram.percentiles()` gives
 * for the histogram it was taken from (nearest rank; a bucket's upper edge, capped at the max).
 */
export function percentilesOf(snapshot: HistogramSnapshot): Percentiles {
  const { count, max, buckets } = snapshot;
  if (count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    count,
    p50: quantileOf(buckets, count, max, 0.5),
    p90: quantileOf(buckets, count, max, 0.9),
    p99: quantileOf(buckets, count, max, 0.99),
    max,
  };
}

function quantileOf(buckets: readonly number[], count: number, max: number, q: number): number {
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let i = 0; i < buckets.length; i += 2) {
    seen += buckets[i + 1]!;
    if (seen >= rank) return bucketValue(buckets[i]!, max);
  }
  return max;
}

function checkSnapshot(snapshot: HistogramSnapshot): void {
  const { count, max } = snapshot;
  // Read as unknown: a snapshot may come from another process.
  const buckets: unknown = snapshot.buckets;
  const total: unknown = snapshot.sum;
  if (
    !isCount(count) ||
    !(max >= 0) ||
    typeof total !== 'number' ||
    !(total >= 0 && total < Infinity) ||
    !isList(buckets) ||
    buckets.length % 2 !== 0
  ) {
    throw new TypeError(
      'not a histogram snapshot: expected { count, max, sum, buckets: [index, count, …] }',
    );
  }
  let sum = 0;
  let previous = -1;
  for (let i = 0; i < buckets.length; i += 2) {
    const bucket = buckets[i];
    const n = buckets[i + 1];
    if (!isCount(bucket) || bucket <= previous || bucket >= BUCKETS || !isCount(n)) {
      throw new TypeError(
        `not a histogram snapshot: pair ${i / 2} is [${describeValue(bucket)}, ${describeValue(n)}]; expected a bucket index ` +
          `above the previous one and below ${BUCKETS}, and a whole count >= 0`,
      );
    }
    previous = bucket;
    sum += n;
  }
  if (sum !== count) {
    throw new TypeError(
      `not a histogram snapshot: its buckets hold ${sum} values, its count says ${count}`,
    );
  }
}

const isList = (value: unknown): value is readonly unknown[] => Array.isArray(value);

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
