/**
 * Conservation of the pool's counters: every accepted task is in exactly one bucket. Unlike
 * `conservationProblem` in `pool-harness.ts`, these count `retrying` as a bucket.
 */
import { expect } from 'vitest';
import type { PoolMetrics } from '@troupe/core';

/** The buckets an accepted task can be in, `retrying` included. */
function buckets(m: PoolMetrics): number[] {
  return [
    m.completed,
    m.failed,
    m.crashed,
    m.timedOut,
    m.cancelled,
    m.dropped,
    m.waiting,
    m.queued,
    m.retrying,
    m.active,
  ];
}

/** `submitted = completed + failed + crashed + timedOut + cancelled + dropped + waiting + queued + retrying + active`, every bucket >= 0. */
export function expectConserved(m: PoolMetrics): void {
  const parts = buckets(m);
  expect(parts.every((n) => n >= 0)).toBe(true);
  expect(parts.reduce((a, b) => a + b, 0)).toBe(m.submitted);
}
