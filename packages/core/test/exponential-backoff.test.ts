import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError } from '@troupe/core';
import { exponentialBackoff } from '../src/supervision/exponential-backoff.js';

const fixed = (value: number) => () => value;

/** Runs `fn`, expecting an InvalidOptionError, and returns it. */
function invalid(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError, nothing was thrown');
}

describe('exponentialBackoff defaults', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('uses minMs 10, maxMs 5000, factor 2, jitter 0.2', () => {
    const backoff = exponentialBackoff();
    expect(backoff.minMs).toBe(10);
    expect(backoff.maxMs).toBe(5_000);
    expect(backoff.factor).toBe(2);
    expect(backoff.jitter).toBe(0.2);
  });

  it('doubles from 10 ms and caps the base at 5000 ms', () => {
    const backoff = exponentialBackoff();
    expect([1, 2, 3, 4, 9, 10, 11, 50].map((k) => backoff.base(k))).toEqual([
      10, 20, 40, 80, 2_560, 5_000, 5_000, 5_000,
    ]);
  });

  it('spreads the delay ±20% around the base, never past maxMs', () => {
    const backoff = exponentialBackoff();
    expect(backoff.bounds(1)).toEqual([8, 12]);
    expect(backoff.bounds(9)).toEqual([2_048, 3_072]);
    // base 5000: the upper edge would be 6000, but maxMs caps the jittered delay too.
    expect(backoff.bounds(10)).toEqual([4_000, 5_000]);
    expect(backoff.bounds(40)).toEqual([4_000, 5_000]);
  });

  it('a minMs above 5000 raises the default maxMs to minMs', () => {
    const backoff = exponentialBackoff({ minMs: 8_000, jitter: 0 });
    expect(backoff.maxMs).toBe(8_000);
    expect(backoff.delay(1)).toBe(8_000);
    expect(backoff.delay(5)).toBe(8_000);
  });

  it('draws jitter from Math.random when no source is given', () => {
    const spy = vi.spyOn(Math, 'random').mockReturnValue(0.25);
    expect(exponentialBackoff().delay(1)).toBeCloseTo(9, 10);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe('exponentialBackoff delays', () => {
  it('maps random 0 to the lower edge and random → 1 towards the upper edge', () => {
    const backoff = exponentialBackoff({ minMs: 100, maxMs: 10_000, factor: 3, jitter: 0.5 });
    expect(backoff.delay(2, fixed(0))).toBe(150);
    expect(backoff.delay(2, fixed(0.5))).toBe(300);
    const almostOne = backoff.delay(2, fixed(1 - 2 ** -53));
    expect(almostOne).toBeLessThanOrEqual(450);
    expect(almostOne).toBeGreaterThan(449.99);
  });

  it('with jitter 0 gives exactly the base, whatever random returns', () => {
    const backoff = exponentialBackoff({ minMs: 7, maxMs: 1_000, factor: 1.5, jitter: 0 });
    for (const r of [0, 0.3, 0.999]) {
      expect(backoff.delay(1, fixed(r))).toBe(7);
      expect(backoff.delay(3, fixed(r))).toBe(7 * 1.5 ** 2);
      expect(backoff.delay(30, fixed(r))).toBe(1_000);
    }
  });

  it('with factor 1 keeps the same base for every attempt', () => {
    const backoff = exponentialBackoff({ minMs: 50, factor: 1, jitter: 0.1 });
    expect(backoff.base(1)).toBe(50);
    expect(backoff.base(1_000)).toBe(50);
    const [lo, hi] = backoff.bounds(7);
    expect(lo).toBeCloseTo(45, 10);
    expect(hi).toBeCloseTo(55, 10);
  });

  it('with jitter 1 may go down to 0 but never above maxMs', () => {
    const backoff = exponentialBackoff({ minMs: 10, maxMs: 15, jitter: 1 });
    expect(backoff.bounds(1)).toEqual([0, 15]);
    expect(backoff.delay(1, fixed(0))).toBe(0);
    expect(backoff.bounds(2)).toEqual([0, 15]);
  });

  it('accepts the edges of every range', () => {
    const backoff = exponentialBackoff({ minMs: 0, maxMs: 0, factor: 1, jitter: 1 });
    expect(backoff.delay(3, fixed(0.5))).toBe(0);
    expect(exponentialBackoff({ minMs: 20, maxMs: 20 }).bounds(4)).toEqual([16, 20]);
  });
});

describe('exponentialBackoff invalid options', () => {
  it.each([
    ['minMs', { minMs: -1 }, -1],
    ['minMs', { minMs: Number.NaN }, Number.NaN],
    ['minMs', { minMs: Infinity }, Infinity],
    ['maxMs', { minMs: 100, maxMs: 99 }, 99],
    ['maxMs', { maxMs: Infinity }, Infinity],
    ['maxMs', { maxMs: Number.NaN }, Number.NaN],
    ['factor', { factor: 0.99 }, 0.99],
    ['factor', { factor: 0 }, 0],
    ['factor', { factor: Number.NaN }, Number.NaN],
    ['jitter', { jitter: -0.01 }, -0.01],
    ['jitter', { jitter: 1.01 }, 1.01],
    ['jitter', { jitter: Number.NaN }, Number.NaN],
  ] as const)('rejects %s in %o, naming <prefix>.%s', (field, options, value) => {
    const error = invalid(() => exponentialBackoff(options, 'supervision.backoff'));
    expect(error.option).toBe(`supervision.backoff.${field}`);
    expect(error.value).toBe(value);
    expect(error.message).toContain(`supervision.backoff.${field}`);
  });

  it('names the option with the default prefix "backoff"', () => {
    expect(invalid(() => exponentialBackoff({ jitter: 2 })).option).toBe('backoff.jitter');
  });

  it('says what is allowed, e.g. maxMs against the actual minMs', () => {
    const error = invalid(() => exponentialBackoff({ minMs: 300, maxMs: 200 }, 'retry'));
    expect(error.option).toBe('retry.maxMs');
    expect(error.allowed).toContain('300');
  });

  it('rejects a non-number smuggled past the types', () => {
    const options = { minMs: '10' } as unknown as { minMs: number };
    expect(invalid(() => exponentialBackoff(options)).option).toBe('backoff.minMs');
  });
});
