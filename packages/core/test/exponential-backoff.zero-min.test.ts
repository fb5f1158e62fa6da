/**
 * `minMs: 0` means no backoff at every attempt: the delay stays 0 even once `factor^(k-1)`
 * overflows to Infinity (where the formula would read 0 · Infinity), never NaN.
 */
import { expect, it } from 'vitest';
import { exponentialBackoff } from '../src/supervision/exponential-backoff.js';

it('minMs 0 keeps base 0 for every attempt', () => {
  const backoff = exponentialBackoff({ minMs: 0, factor: 2 });
  expect(backoff.base(1100)).toBe(0);
  expect(backoff.bounds(1100)).toEqual([0, 0]);
  expect(backoff.delay(1100, () => 0.5)).toBe(0);
});

it('minMs 0 with a large factor: NaN after a few dozen attempts', () => {
  const backoff = exponentialBackoff({ minMs: 0, factor: 1e10 });
  expect(backoff.delay(33, () => 0.5)).toBe(0);
});
