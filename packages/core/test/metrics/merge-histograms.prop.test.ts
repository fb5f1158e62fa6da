/**
 * Merged histograms are exact: merging k pools' snapshots gives, bucket for bucket, the snapshot
 * of one histogram that recorded all their values, and the same percentiles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketUpperEdge,
  Histogram,
  mergeHistograms,
  percentilesOf,
  type HistogramSnapshot,
} from '@troupe/core';

const duration = fc.oneof(
  fc.double({ min: 0, max: 10_000, noNaN: true }),
  fc.integer({ min: 0, max: 5_000_000 }).map((us) => us / 1000),
  fc.double({ min: 1e6, max: 1e10, noNaN: true }), // past the last bucket (2^31 µs)
  fc.constant(0),
  fc.constant(-1),
);

const recorded = (values: readonly number[]): Histogram => {
  const h = new Histogram();
  for (const v of values) h.record(v);
  return h;
};

describe('mergeHistograms', () => {
  it('k histograms merged equal one histogram that recorded every value, bucket for bucket', () => {
    fc.assert(
      fc.property(fc.array(fc.array(duration, { maxLength: 60 }), { maxLength: 6 }), (pools) => {
        const all = recorded(pools.flat());
        const merged = mergeHistograms(pools.map((values) => recorded(values).snapshot()));
        expect(merged).toEqual(all.snapshot());
        expect(percentilesOf(merged)).toEqual(all.percentiles());
      }),
      { numRuns: 300 },
    );
  });

  it('a snapshot reads as its histogram does, and survives JSON', () => {
    fc.assert(
      fc.property(fc.array(duration, { maxLength: 200 }), (values) => {
        const h = recorded(values);
        const snapshot = h.snapshot();
        const copy = JSON.parse(JSON.stringify(snapshot)) as HistogramSnapshot;
        expect(copy).toEqual(snapshot);
        expect(percentilesOf(copy)).toEqual(h.percentiles());
        expect(snapshot.buckets.length).toBeLessThanOrEqual(2 * values.length);
      }),
    );
  });

  it('merging is associative and order does not matter', () => {
    fc.assert(
      fc.property(
        fc.array(duration, { maxLength: 40 }),
        fc.array(duration, { maxLength: 40 }),
        fc.array(duration, { maxLength: 40 }),
        (a, b, c) => {
          const [x, y, z] = [a, b, c].map((v) => recorded(v).snapshot()) as [
            HistogramSnapshot,
            HistogramSnapshot,
            HistogramSnapshot,
          ];
          const left = mergeHistograms([mergeHistograms([x, y]), z]);
          expect(mergeHistograms([z, mergeHistograms([y, x])])).toEqual(left);
          expect(mergeHistograms([x, y, z])).toEqual(left);
        },
      ),
    );
  });
});

describe('histogram snapshots', () => {
  it('carry the sum of the values as bucketed (each rounded to the microsecond), merged exactly', () => {
    const h = recorded([1.2344, 0.0004, -3, Number.NaN, 2_000, 2 ** 40]);
    // 1234 µs + 0 + 0 + 0 + 2,000,000 µs + 2^40 ms (past the last bucket, summed all the same)
    expect(h.snapshot().sum).toBe((1234 + 2_000_000 + 2 ** 40 * 1000) / 1000);
    fc.assert(
      fc.property(fc.array(fc.array(duration, { maxLength: 30 }), { maxLength: 5 }), (pools) => {
        const micros = pools.flat().map((v) => (v > 0 ? Math.round(v * 1000) : 0));
        const merged = mergeHistograms(pools.map((values) => recorded(values).snapshot()));
        expect(merged.sum).toBe(micros.reduce((a, b) => a + b, 0) / 1000);
      }),
    );
  });

  it('name buckets whose upper edges are whole microseconds, the last one open', () => {
    // Every value at a bucket's upper edge lands in that bucket, and the next microsecond in the next.
    const seen: number[] = [];
    for (const us of [
      0,
      1,
      63,
      64,
      65,
      127,
      128,
      499,
      500,
      503,
      504,
      1_000,
      123_456,
      2 ** 30 + 5,
    ]) {
      const [bucket] = recorded([us / 1000]).snapshot().buckets as [number, number];
      const edge = bucketUpperEdge(bucket);
      expect(edge).toBeGreaterThanOrEqual(us);
      expect(recorded([edge / 1000]).snapshot().buckets[0]).toBe(bucket);
      expect(recorded([(edge + 1) / 1000]).snapshot().buckets[0]).toBe(bucket + 1);
      seen.push(edge);
    }
    expect(seen.slice(0, 10)).toEqual([0, 1, 63, 64, 65, 127, 129, 499, 503, 503]);
    // From 2^31 µs (about 36 minutes) up, everything shares the last bucket.
    const [top] = recorded([(2 ** 31 - 1) / 1000]).snapshot().buckets as [number, number];
    expect(bucketUpperEdge(top)).toBe(2 ** 31 - 1);
    const [last] = recorded([2 ** 31 / 1000]).snapshot().buckets as [number, number];
    expect(recorded([2 ** 40]).snapshot().buckets[0]).toBe(last);
    expect(bucketUpperEdge(last)).toBe(Infinity);
  });

  it('lists only the non-empty buckets, in index order', () => {
    const h = recorded([0.001, 0.001, 5, 5, 5, 1_000]);
    const { count, max, buckets } = h.snapshot();
    expect(count).toBe(6);
    expect(max).toBe(1_000);
    expect(buckets).toHaveLength(6);
    expect(buckets[0]).toBe(1); // 1 µs has its own bucket
    expect(buckets[1]).toBe(2);
    expect(buckets[0]! < buckets[2]! && buckets[2]! < buckets[4]!).toBe(true);
    expect([buckets[3], buckets[5]]).toEqual([3, 1]);
  });

  it('an empty histogram and an empty merge are the same shared empty snapshot', () => {
    const empty = new Histogram().snapshot();
    expect(empty).toEqual({ count: 0, max: 0, sum: 0, buckets: [] });
    expect(mergeHistograms([])).toBe(empty);
    expect(mergeHistograms([empty, empty])).toBe(empty);
    expect(percentilesOf(empty)).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });

  it('refuses what is not a snapshot (they may come from another process)', () => {
    const bad: unknown[] = [
      { count: 1, max: 1, sum: 1, buckets: [5] },
      { count: 1, max: 1, sum: 1, buckets: [1e9, 1] },
      { count: 2, max: 1, sum: 1, buckets: [7, 1, 3, 1] },
      { count: 2, max: 1, sum: 1, buckets: [3, 1] },
      { count: 1, max: 1, sum: 1, buckets: [3, 0.5] },
      { count: -1, max: 0, sum: 0, buckets: [] },
      { count: 0, max: 0, sum: 0 },
      { count: 1, max: 1, buckets: [3, 1] },
      { count: 1, max: 1, sum: -1, buckets: [3, 1] },
      { count: 1, max: 1, sum: Number.NaN, buckets: [3, 1] },
    ];
    for (const snapshot of bad) {
      expect(() => mergeHistograms([snapshot as HistogramSnapshot])).toThrow(TypeError);
    }
  });
});
