import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COVER_MS, laneLimit, MIN_STALL_MS, stallAfterMs } from '../src/lane-limit.js';

const length = fc.double({ min: 1e-4, max: 1e4, noNaN: true });
const max = fc.integer({ min: 2, max: 1024 });

describe('laneLimit', () => {
  it('stays from 2 to max, whatever the run length and the current limit', () => {
    fc.assert(
      fc.property(length, max, fc.integer({ min: 1, max: 1024 }), (ms, top, current) => {
        const limit = laneLimit(ms, top, Math.min(current, top));
        expect(limit).toBeGreaterThanOrEqual(2);
        expect(limit).toBeLessThanOrEqual(top);
      }),
    );
  });

  it('never rises as runs get longer (from the same current limit)', () => {
    fc.assert(
      fc.property(length, length, max, (a, b, top) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        expect(laneLimit(long, top, top)).toBeLessThanOrEqual(laneLimit(short, top, top));
      }),
    );
  });

  it('covers COVER_MS beyond the run in progress, unless bounded', () => {
    fc.assert(
      fc.property(length, max, (ms, top) => {
        const limit = laneLimit(ms, top, 2);
        if (limit < top && limit > 2) expect((limit - 1) * ms).toBeGreaterThanOrEqual(COVER_MS);
      }),
    );
  });

  it('keeps the current limit when the new one is less than a quarter below it', () => {
    expect(laneLimit(COVER_MS / 5, 64, 7)).toBe(7); // 6 is within a quarter of 7
    expect(laneLimit(COVER_MS / 5, 64, 12)).toBe(6);
    expect(laneLimit(COVER_MS / 5, 64, 1)).toBe(6); // after a stall: back up at once
  });

  it('sends as many as allowed for tiny runs, and two for runs of COVER_MS and more', () => {
    expect(laneLimit(0.002, 64, 2)).toBe(64);
    expect(laneLimit(COVER_MS, 64, 64)).toBe(2);
    expect(laneLimit(100, 64, 64)).toBe(2);
  });
});

describe('stallAfterMs', () => {
  it('is a multiple of the usual run length, never under MIN_STALL_MS', () => {
    fc.assert(
      fc.property(length, (ms) => {
        expect(stallAfterMs(ms)).toBeGreaterThanOrEqual(MIN_STALL_MS);
        expect(stallAfterMs(ms)).toBeGreaterThan(ms);
      }),
    );
  });
});
