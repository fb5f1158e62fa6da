/**
 * Long durations, near and past 2^31 µs (about 35.8 minutes): the histogram buckets values up to
 * 2^31 µs and puts larger ones in its last bucket, and its quantiles stay positive, within the
 * recorded max, and within 1/64 of the value up to 2^31 µs — no 32-bit overflow in a bucket's
 * upper edge.
 */
import { describe, expect, it } from 'vitest';
import { Histogram } from '@troupe/core';

const REL = 1 / 64;

describe('Histogram near and past 2^31 µs', () => {
  it.each([
    2_130_706.432, // 127 * 2^24 µs: first value of the top sub-bucket of 2^30 µs
    2_147_483.647, // 2^31 - 1 µs: last bucketed value
    2_147_483.648, // 2^31 µs: the overflow bucket
    3_600_000, // an hour
  ])('reports a quantile for %d ms that is positive and within the max', (v) => {
    const h = new Histogram();
    h.record(v);
    h.record(v * 2);
    const q = h.quantile(0.5);
    expect(q).toBeGreaterThanOrEqual(v - 0.0005);
    expect(q).toBeLessThanOrEqual(v * 2);
  });

  it('keeps the 1/64 bound up to 2^31 µs', () => {
    const v = 2_140_000; // in [127 * 2^24, 2^31) µs
    const h = new Histogram();
    h.record(v);
    h.record(1e7);
    expect(h.quantile(0.5)).toBeGreaterThanOrEqual(v);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(v * (1 + REL));
  });
});
