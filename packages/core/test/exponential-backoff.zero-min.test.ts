// Bug: exponentialBackoff with minMs 0 returns NaN once factor^(k-1) overflows to Infinity (0 · Infinity).
import { expect, it } from 'vitest';
import { exponentialBackoff } from '../src/supervision/exponential-backoff.js';

it('minMs 0 keeps base 0 for every attempt', () => {
  const backoff = exponentialBackoff({ minMs: 0, factor: 2 });
  expect(backoff.base(1100)).toBe(0); // got NaN: 0 * 2 ** 1099 = 0 * Infinity
  expect(backoff.bounds(1100)).toEqual([0, 0]); // got [NaN, NaN]
  expect(backoff.delay(1100, () => 0.5)).toBe(0); // got NaN
});

it('minMs 0 with a large factor: NaN after a few dozen attempts', () => {
  const backoff = exponentialBackoff({ minMs: 0, factor: 1e10 });
  expect(backoff.delay(33, () => 0.5)).toBe(0); // got NaN (1e10 ** 32 = Infinity)
});
