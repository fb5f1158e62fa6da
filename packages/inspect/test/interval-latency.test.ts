import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, type PoolMetrics } from '@troupe/core';
import { intervalLatency } from '../src/dashboard/interval-latency.js';

/** Metrics of a pool that ran 10 tasks taking `first` ms, then 5 taking `second` ms. */
async function twoPhases(first: number, second: number): Promise<[PoolMetrics, PoolMetrics]> {
  const clock = createVirtualClock();
  const pool = createPool({
    size: 1,
    clock,
    worker: (ms: number) => new Promise<number>((done) => clock.setTimeout(() => done(ms), ms)),
  }).start();
  const runAll = async (ms: number, count: number) => {
    const all = Promise.all(Array.from({ length: count }, () => pool.run(ms)));
    await clock.advance(ms * count + 1);
    await all;
  };
  await runAll(first, 10);
  const before = pool.getSnapshot().metrics;
  await runAll(second, 5);
  const after = pool.getSnapshot().metrics;
  await pool.close();
  return [before, after];
}

describe('intervalLatency', () => {
  it('reads the runs completed between two snapshots, not the whole life', async () => {
    const [before, after] = await twoPhases(100, 5);
    // The whole life's median is among the slow runs…
    expect(after.latency.p50).toBeGreaterThan(50);
    // …the interval's among the fast ones.
    const { p50, p99 } = intervalLatency(before, after);
    expect(p50).toBeGreaterThanOrEqual(5);
    expect(p50).toBeLessThan(6);
    expect(p99).toBeLessThan(6);
  });

  it('is null when nothing completed in between, and whole-life without a snapshot before', async () => {
    const [, after] = await twoPhases(10, 20);
    expect(intervalLatency(after, after)).toEqual({ p50: null, p99: null });
    const whole = intervalLatency(undefined, after);
    expect(whole).toEqual({ p50: after.latency.p50, p99: after.latency.p99 });
  });

  it('falls back to the snapshot own percentiles when the counts went down (a new source)', async () => {
    const [before, after] = await twoPhases(10, 20);
    expect(intervalLatency(after, before)).toEqual({
      p50: before.latency.p50,
      p99: before.latency.p99,
    });
    const { histograms: _, ...bare } = after;
    expect(intervalLatency(before, bare)).toEqual({
      p50: after.latency.p50,
      p99: after.latency.p99,
    });
  });
});
