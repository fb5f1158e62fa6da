/**
 * Troupe's histogram snapshots read under fixed `le` bounds: cumulative, `+Inf` equal to the
 * count, the exact sum, and never more values under a bound than truly are at most it (so no
 * quantile read from them understates), while missing only values within 1/64 of the bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram } from '@troupe/core';
import { DEFAULT_BUCKETS, LeBuckets } from '../src/le-buckets.js';

const durations = fc.array(
  fc.oneof(
    fc.double({ min: 0, max: 100, noNaN: true }),
    fc.double({ min: 0, max: 120_000, noNaN: true }),
    fc.integer({ min: 0, max: 70_000 }), // whole ms: many right at a bound
    fc.constantFrom(...DEFAULT_BUCKETS.map((s) => s * 1000)), // exactly at a bound
  ),
  { maxLength: 200 },
);

const bounds = fc
  .uniqueArray(fc.double({ min: 1e-6, max: 5_000, noNaN: true }), { minLength: 1, maxLength: 20 })
  .map((list) => [...list].sort((a, b) => a - b));

function read(values: readonly number[], le: LeBuckets): Float64Array {
  const h = new Histogram();
  for (const v of values) h.record(v);
  const out = new Float64Array(le.size);
  le.read(h.snapshot(), out);
  return out;
}

describe('LeBuckets', () => {
  it('never counts under a bound a value above it, and misses only values within 1/64 of it', () => {
    fc.assert(
      fc.property(durations, fc.oneof(fc.constant([...DEFAULT_BUCKETS]), bounds), (ms, list) => {
        const le = new LeBuckets(list);
        const out = read(ms, le);
        list.forEach((bound, i) => {
          const at = out[i]!;
          const truly = ms.filter((v) => v <= bound * 1000).length;
          const surely = ms.filter((v) => v * 1000 <= (bound * 1e6 * 64) / 65 - 1).length;
          expect(at).toBeLessThanOrEqual(truly);
          expect(at).toBeGreaterThanOrEqual(surely);
          if (i > 0) expect(at).toBeGreaterThanOrEqual(out[i - 1]!);
        });
        expect(out[list.length]).toBe(ms.length); // +Inf
        const micros = ms.reduce((sum, v) => sum + Math.round(v * 1000), 0);
        expect(out[list.length + 1]).toBeCloseTo(micros / 1e6, 9); // the sum, in seconds
      }),
      { numRuns: 300 },
    );
  });

  it('puts a bucket that straddles a bound under the next one: 2.5 ms lies in 2496-2527 µs', () => {
    const le = new LeBuckets([0.0025, 0.005]);
    expect([...read([2.495], le)]).toEqual([1, 1, 1, 0.002495]); // 2480-2495 µs: under 2.5 ms
    expect([...read([2.496], le)]).toEqual([0, 1, 1, 0.002496]); // 2496-2527 µs: straddles it
    expect([...read([2.5], le)]).toEqual([0, 1, 1, 0.0025]);
    expect([...read([6], le)]).toEqual([0, 0, 1, 0.006]);
    expect(le.labels).toEqual(['0.0025', '0.005', '+Inf']);
  });
});
