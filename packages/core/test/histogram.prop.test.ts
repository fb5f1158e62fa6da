import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram } from '@troupe/core';

/** From the code: the upper edge of a value's bucket exceeds it by less than 1/64 of it (see histogram.test.ts). */
const REL = 1 / 64;
/** Values are rounded to whole microseconds before bucketing: at most half a microsecond off. */
const HALF_MICRO = 0.0005;
const EPS = 1e-9;

const duration = fc.oneof(
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.double({ min: 0, max: 0.002, noNaN: true }), // sub-microsecond and around it
  fc.integer({ min: 0, max: 1e9 }).map((us) => us / 1000), // whole microseconds
  fc.constant(0),
  fc.constant(Number.NaN),
  fc.double({ min: -1e6, max: -Number.MIN_VALUE, noNaN: true }),
);

/** Nearest-rank quantile of the values as the histogram counts them (NaN and negatives are 0). */
function exactQuantile(values: readonly number[], q: number): number {
  const sorted = values.map((v) => (v > 0 ? v : 0)).sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

const exactMax = (values: readonly number[]): number => values.reduce((m, v) => (v > m ? v : m), 0);

const record = (values: readonly number[]): Histogram => {
  const h = new Histogram();
  for (const v of values) h.record(v);
  return h;
};

const quantileArb = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 0.5, 0.9, 0.99, 1),
);

describe('Histogram properties', () => {
  it('quantiles are within half a microsecond, then 1/64 relative, of the exact quantile, and never above the max', () => {
    fc.assert(
      fc.property(
        fc.array(duration, { minLength: 1, maxLength: 300 }),
        quantileArb,
        (values, q) => {
          const h = record(values);
          const exact = exactQuantile(values, q);
          const got = h.quantile(q);
          expect(got).toBeGreaterThanOrEqual(exact - HALF_MICRO - EPS);
          expect(got).toBeLessThanOrEqual((exact + HALF_MICRO) * (1 + REL) + EPS);
          expect(got).toBeLessThanOrEqual(exactMax(values));
        },
      ),
    );
  });

  it('for whole-microsecond values, quantiles never understate and overstate by less than 1/64', () => {
    const micros = fc.integer({ min: 0, max: 1e9 }).map((us) => us / 1000);
    fc.assert(
      fc.property(fc.array(micros, { minLength: 1, maxLength: 300 }), quantileArb, (values, q) => {
        const exact = exactQuantile(values, q);
        const got = record(values).quantile(q);
        expect(got).toBeGreaterThanOrEqual(exact);
        expect(got).toBeLessThanOrEqual(exact * (1 + REL) + EPS);
      }),
    );
  });

  it('keeps the exact count and max; percentiles agree with quantile()', () => {
    fc.assert(
      fc.property(fc.array(duration, { maxLength: 300 }), (values) => {
        const h = record(values);
        const p = h.percentiles();
        expect(h.count).toBe(values.length);
        expect(p.count).toBe(values.length);
        expect(p.max).toBe(exactMax(values));
        expect([p.p50, p.p90, p.p99]).toEqual([h.quantile(0.5), h.quantile(0.9), h.quantile(0.99)]);
        if (values.length === 0) expect(p).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
      }),
    );
  });

  it('quantile() is monotone in q', () => {
    fc.assert(
      fc.property(
        fc.array(duration, { minLength: 1, maxLength: 200 }),
        quantileArb,
        quantileArb,
        (values, a, b) => {
          const h = record(values);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(h.quantile(lo)).toBeLessThanOrEqual(h.quantile(hi));
        },
      ),
    );
  });

  it('after reset() it behaves like a fresh histogram', () => {
    fc.assert(
      fc.property(
        fc.array(duration, { maxLength: 100 }),
        fc.array(duration, { maxLength: 100 }),
        (before, after) => {
          const h = record(before);
          h.reset();
          for (const v of after) h.record(v);
          expect(h.percentiles()).toEqual(record(after).percentiles());
        },
      ),
    );
  });
});
