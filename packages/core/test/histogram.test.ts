import { describe, expect, it } from 'vitest';
import { Histogram } from '@troupe/core';

/**
 * The bound, from the code: a value of m µs (m = round(ms * 1000)) below 64 µs has a bucket of
 * its own; from 2^e µs up (e >= 6) buckets are 2^(e-6) µs wide, so the reported upper edge is at
 * most m + m/64 - 1 µs: a relative error below 1/64 = 1.5625%.
 */
const REL = 1 / 64;

const filled = (...values: number[]): Histogram => {
  const h = new Histogram();
  for (const v of values) h.record(v);
  return h;
};

describe('Histogram', () => {
  it('reports zeros when empty', () => {
    const h = new Histogram();
    expect(h.count).toBe(0);
    expect(h.quantile(0)).toBe(0);
    expect(h.quantile(0.5)).toBe(0);
    expect(h.quantile(1)).toBe(0);
    expect(h.percentiles()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });

  it('counts every record and keeps the exact max', () => {
    const h = filled(3.25, 1234.5678, 0.2, 17);
    expect(h.count).toBe(4);
    expect(h.percentiles().max).toBe(1234.5678);
    expect(h.quantile(1)).toBe(1234.5678);
  });

  it('is exact below 64 µs, where every microsecond has its own bucket', () => {
    const h = filled(0.001, 0.005, 0.032, 0.063, 10);
    expect(h.quantile(0)).toBe(0.001);
    expect(h.quantile(0.4)).toBe(0.005);
    expect(h.quantile(0.6)).toBe(0.032);
    expect(h.quantile(0.8)).toBe(0.063);
  });

  it('reports the upper edge of the bucket, so it does not understate', () => {
    // 1024 µs lies in [1024, 1040): 16 µs wide buckets between 2^10 and 2^11 µs.
    const h = filled(1.024, 100);
    expect(h.quantile(0.5)).toBeCloseTo(1.039, 9);
    // 1000 µs lies in [1000, 1008): 8 µs wide buckets between 2^9 and 2^10 µs.
    expect(filled(1, 100).quantile(0.5)).toBeCloseTo(1.007, 9);
  });

  it('caps the reported edge at the exact max', () => {
    expect(filled(1.024).quantile(0.5)).toBe(1.024);
    expect(filled(1.024, 1.025).quantile(0.5)).toBe(1.025);
  });

  it('comes close to, but stays under, the 1/64 relative bound at the start of a power of two', () => {
    const v = 2 ** 20 / 1000; // 2^20 µs: its bucket is 2^14 µs wide
    const reported = filled(v, 1e6).quantile(0.5);
    expect(reported).toBeCloseTo((2 ** 20 + 2 ** 14 - 1) / 1000, 9);
    const rel = (reported - v) / v;
    expect(rel).toBeGreaterThan(0.0156);
    expect(rel).toBeLessThan(REL);
  });

  it('uses nearest-rank quantiles', () => {
    const h = new Histogram();
    for (let i = 1; i <= 100; i++) h.record(i);
    const { p50, p90, p99, max } = h.percentiles();
    for (const [got, exact] of [
      [p50, 50],
      [p90, 90],
      [p99, 99],
    ] as const) {
      expect(got).toBeGreaterThanOrEqual(exact);
      expect(got).toBeLessThanOrEqual(exact * (1 + REL));
      expect(got).toBeLessThan(exact + 1); // not the next value up
    }
    expect(max).toBe(100);
    expect(h.quantile(0)).toBe(1.007); // 1000 µs is in [1000, 1008)
    expect(h.quantile(0.01)).toBe(1.007);
    expect(h.quantile(0.011)).toBeCloseTo(2.015, 9); // rank 2; 2000 µs is in [2000, 2016)
  });

  it('counts NaN and negative durations as 0 without touching the max', () => {
    const h = filled(Number.NaN, -5, 10);
    expect(h.count).toBe(3);
    expect(h.quantile(0)).toBe(0);
    expect(h.quantile(0.5)).toBe(0);
    expect(h.quantile(1)).toBe(10);
    expect(h.percentiles().max).toBe(10);
    expect(filled(Number.NaN, -1).percentiles()).toEqual({
      count: 2,
      p50: 0,
      p90: 0,
      p99: 0,
      max: 0,
    });
  });

  it('rounds to microseconds: sub-microsecond values are within half a microsecond', () => {
    expect(filled(0).quantile(0.5)).toBe(0);
    expect(filled(0.0004, 5).quantile(0.5)).toBe(0); // rounds to 0 µs
    expect(filled(0.0006).quantile(0.5)).toBe(0.0006); // 1 µs, capped at the max
    expect(filled(0.0006, 5).quantile(0.5)).toBe(0.001);
  });

  it('handles the top of the tested range (1e6 ms)', () => {
    const h = filled(1e6, 1e6, 999_999.999);
    expect(h.quantile(0)).toBeGreaterThanOrEqual(999_999.999 - 0.0005);
    expect(h.quantile(0)).toBeLessThanOrEqual(1e6);
    expect(h.percentiles()).toMatchObject({ count: 3, max: 1e6, p99: 1e6 });
  });

  it('reset() forgets counts and max', () => {
    const h = filled(500, 900, 1e5);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.percentiles()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    h.record(2);
    expect(h.percentiles()).toEqual({ count: 1, p50: 2, p90: 2, p99: 2, max: 2 });
  });

  it('counts across the chunks its buckets are made in (one per power of two), and keeps them through reset', () => {
    // 63 µs is the last bucket of the first chunk, 64 µs the first of the next; 5 ms lies far
    // above both, with no chunk between made; 1e6 ms near the top.
    const h = filled(0.063, 0.064, 5, 1e6);
    expect([h.quantile(0.25), h.quantile(0.5), h.quantile(0.75)]).toEqual([0.063, 0.064, 5.055]);
    expect(h.quantile(1)).toBe(1e6);
    h.reset();
    h.record(0.064);
    h.record(0.001);
    expect(h.percentiles()).toEqual({ count: 2, p50: 0.001, p90: 0.064, p99: 0.064, max: 0.064 });
  });
});
