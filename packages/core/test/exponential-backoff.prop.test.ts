import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '@troupe/core';
import { exponentialBackoff, type BackoffOptions } from '../src/supervision/exponential-backoff.js';

/**
 * Valid options. `minMs` stays above 0, where `expectedBounds` below can be written as the plain
 * formula; `minMs: 0` (no backoff, whatever the attempt) has its own file,
 * exponential-backoff.zero-min.test.ts.
 */
const optionsArb = fc
  .record({
    minMs: fc.oneof(
      fc.double({ min: Number.MIN_VALUE, max: 1e6, noNaN: true }),
      fc.integer({ min: 1, max: 1_000 }),
    ),
    extra: fc.oneof(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.constant(0)),
    factor: fc.oneof(fc.double({ min: 1, max: 10, noNaN: true }), fc.constantFrom(1, 2)),
    jitter: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.2, 1)),
  })
  .map(({ minMs, extra, factor, jitter }) => ({ minMs, maxMs: minMs + extra, factor, jitter }));

const attemptArb = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 2_000 }));
const randomArb = fc.oneof(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fc.constantFrom(0, 0.5, 1 - 2 ** -53),
);

/** The documented formula, written out independently of the implementation. */
function expectedBounds(o: Required<BackoffOptions>, k: number): [number, number] {
  const base = Math.min(o.maxMs, o.minMs * o.factor ** (k - 1));
  return [base * (1 - o.jitter), Math.min(o.maxMs, base * (1 + o.jitter))];
}

describe('exponentialBackoff properties', () => {
  it('delay(k, random) lies in bounds(k), which matches the formula', () => {
    fc.assert(
      fc.property(optionsArb, attemptArb, randomArb, (options, k, r) => {
        const backoff = exponentialBackoff(options);
        const [lo, hi] = backoff.bounds(k);
        expect([lo, hi]).toEqual(expectedBounds(options, k));
        const delay = backoff.delay(k, () => r);
        expect(delay).toBeGreaterThanOrEqual(lo);
        expect(delay).toBeLessThanOrEqual(hi);
      }),
    );
  });

  it('the delay never exceeds maxMs and is never negative', () => {
    fc.assert(
      fc.property(optionsArb, attemptArb, randomArb, (options, k, r) => {
        const delay = exponentialBackoff(options).delay(k, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(options.maxMs);
      }),
    );
  });

  it('the base is non-decreasing in k, starts at minMs and stays within [minMs, maxMs]', () => {
    fc.assert(
      fc.property(optionsArb, attemptArb, (options, k) => {
        const backoff = exponentialBackoff(options);
        expect(backoff.base(1)).toBe(options.minMs);
        expect(backoff.base(k + 1)).toBeGreaterThanOrEqual(backoff.base(k));
        expect(backoff.base(k)).toBeGreaterThanOrEqual(options.minMs);
        expect(backoff.base(k)).toBeLessThanOrEqual(options.maxMs);
      }),
    );
  });

  it('jitter 0 gives exactly the base for any random value', () => {
    fc.assert(
      fc.property(optionsArb, attemptArb, randomArb, (options, k, r) => {
        const backoff = exponentialBackoff({ ...options, jitter: 0 });
        expect(backoff.delay(k, () => r)).toBe(backoff.base(k));
        expect(backoff.bounds(k)).toEqual([backoff.base(k), backoff.base(k)]);
      }),
    );
  });

  it('a larger random value never gives a shorter delay', () => {
    fc.assert(
      fc.property(optionsArb, attemptArb, randomArb, randomArb, (options, k, r1, r2) => {
        const backoff = exponentialBackoff(options);
        const [small, large] = r1 <= r2 ? [r1, r2] : [r2, r1];
        expect(backoff.delay(k, () => small)).toBeLessThanOrEqual(backoff.delay(k, () => large));
      }),
    );
  });

  it('invalid options throw InvalidOptionError naming <prefix>.<field>', () => {
    const badArb = fc.oneof(
      fc.record({
        field: fc.constant('minMs' as const),
        options: fc
          .oneof(
            fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
            fc.constantFrom(Number.NaN, Infinity, -Infinity),
          )
          .map((minMs): BackoffOptions => ({ minMs })),
      }),
      fc.record({
        field: fc.constant('maxMs' as const),
        options: fc
          .tuple(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0, max: 0.999, noNaN: true }))
          .map(([minMs, part]): BackoffOptions => ({ minMs, maxMs: minMs * part })),
      }),
      fc.record({
        field: fc.constant('factor' as const),
        options: fc
          .oneof(fc.double({ max: 1, maxExcluded: true, noNaN: true }), fc.constant(Infinity))
          .map((factor): BackoffOptions => ({ factor })),
      }),
      fc.record({
        field: fc.constant('jitter' as const),
        options: fc
          .oneof(
            fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
            fc.double({ min: 1, minExcluded: true, noNaN: true }),
          )
          .map((jitter): BackoffOptions => ({ jitter })),
      }),
    );
    const prefixArb = fc.stringMatching(/^[a-z]{1,8}(\.[a-z]{1,8})?$/);
    fc.assert(
      fc.property(badArb, prefixArb, ({ field, options }, prefix) => {
        let thrown: unknown;
        try {
          exponentialBackoff(options, prefix);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidOptionError);
        expect((thrown as InvalidOptionError).option).toBe(`${prefix}.${field}`);
      }),
    );
  });
});
