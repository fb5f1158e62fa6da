/** judgeWindow and windowBetween: pure functions from figures to a verdict with reasons. */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  Histogram,
  judgeWindow,
  resolveHealthOptions,
  windowBetween,
  type HealthWindow,
  type PoolMetrics,
} from '@troupe/core';

const config = resolveHealthOptions({ maxErrorRate: 0.2, maxP99Ms: 100, minSamples: 10 });
const quiet: HealthWindow = {
  from: 0,
  to: 5_000,
  succeeded: 0,
  failed: 0,
  p99Ms: undefined,
  queued: 0,
  capacity: 100,
  stalledMs: 0,
};

describe('judgeWindow', () => {
  it('finds a quiet window good', () => {
    expect(judgeWindow(config, quiet)).toEqual({ bad: false, reasons: [] });
  });

  it('gives one reason per threshold crossed', () => {
    const verdict = judgeWindow(config, {
      ...quiet,
      succeeded: 60,
      failed: 40,
      p99Ms: 250,
      queued: 100,
      stalledMs: 40_000,
    });
    expect(verdict).toEqual({
      bad: true,
      reasons: [
        'error rate 0.4 > 0.2 over 5000 ms',
        'p99 latency 250 ms > 100 ms over 5000 ms',
        'queue 100/100 (1) > 0.9 of capacity',
        'stalled: work waiting and no task finished for 40000 ms (stallMs 30000)',
      ],
    });
  });

  it('says nothing of error rate and latency below minSamples', () => {
    expect(judgeWindow(config, { ...quiet, succeeded: 1, failed: 8, p99Ms: 900 }).bad).toBe(false);
  });

  it('is strict at the thresholds (over is bad, at is not), but a stall counts from stallMs', () => {
    expect(
      judgeWindow(config, { ...quiet, succeeded: 80, failed: 20, p99Ms: 100, queued: 90 }).bad,
    ).toBe(false);
    expect(judgeWindow(config, { ...quiet, queued: 1, stalledMs: 30_000 }).bad).toBe(true);
  });

  it('never finds an unbounded or zero-capacity queue full', () => {
    expect(judgeWindow(config, { ...quiet, queued: 1e9, capacity: Infinity }).bad).toBe(false);
    expect(judgeWindow(config, { ...quiet, capacity: 0 }).bad).toBe(false);
  });
});

describe('windowBetween', () => {
  const blank: PoolMetrics = createPool({
    worker: (n: number) => n,
    clock: createVirtualClock(),
  }).getSnapshot().metrics;
  const latency = (values: number[]) => {
    const h = new Histogram();
    for (const v of values) h.record(v);
    return h.percentiles();
  };

  it('takes the deltas of the counters and the queue at the end', () => {
    const before = { ...blank, at: 1_000, completed: 10, failed: 2, crashed: 1, timedOut: 0 };
    const after = {
      ...blank,
      at: 6_000,
      completed: 50,
      failed: 10,
      crashed: 2,
      timedOut: 1,
      queued: 7,
      latency: latency([]),
    };
    expect(windowBetween(before, after, 100, 6_000)).toEqual({
      from: 1_000,
      to: 6_000,
      succeeded: 40,
      failed: 10,
      p99Ms: undefined,
      queued: 7,
      capacity: 100,
      stalledMs: 0,
    });
    expect(windowBetween(before, after, 100, 2_500).stalledMs).toBe(3_500);
  });

  it('has the exact p99 when the earlier snapshot holds no completed run', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i < 190 ? 5 : 400));
    const p = latency(values);
    expect(windowBetween(blank, { ...blank, completed: 200, latency: p }, 10, 0).p99Ms).toBe(p.p99);
  });

  it('estimates the p99 of a slow window after a fast history', () => {
    const fast = Array.from({ length: 1_000 }, () => 5);
    const slow = Array.from({ length: 1_000 }, () => 400);
    const before = { ...blank, completed: 1_000, latency: latency(fast) };
    const after = { ...blank, completed: 2_000, latency: latency([...fast, ...slow]) };
    expect(windowBetween(before, after, 10, 0).p99Ms).toBeGreaterThan(100);
  });
});
