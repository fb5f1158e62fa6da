/**
 * `system.metrics$`: each pool's and balancer's latest metrics, and the pools' exact total —
 * counters summed, latency percentiles from the pools' histograms merged (those of one histogram
 * of every run), never an average of the pools' percentiles.
 */
import { describe, expect, it } from 'vitest';
import { firstValueFrom, skip } from 'rxjs';
import {
  createSystem,
  createVirtualClock,
  Histogram,
  type PoolMetrics,
  type VirtualClock,
} from '@troupe/core';
import { after } from '../support/virtual-time.js';

/** A worker that takes `n` ms of the clock and fails on multiples of 7. */
const sleeper = (clock: VirtualClock) => async (n: number) => {
  await after(clock, n, undefined);
  if (n % 7 === 0) throw new Error(`no ${n}`);
  return n;
};

const COUNTERS = ['submitted', 'completed', 'failed', 'rejected', 'workers'] as const;

function sumOf(pools: Readonly<Record<string, PoolMetrics>>, key: (typeof COUNTERS)[number]) {
  return Object.values(pools).reduce((sum, m) => sum + m[key], 0);
}

describe('system.metrics$', () => {
  it('totals the pools exactly: counters summed, p99 of every run', async () => {
    const clock = createVirtualClock();
    const system = createSystem({
      pools: {
        fast: { worker: sleeper(clock), size: 64 },
        slow: { worker: sleeper(clock), size: 64 },
      },
      balancers: { api: { pools: ['fast', 'slow'] } },
      metrics: { intervalMs: 1_000 },
      clock,
    });
    const start = system.start();
    await clock.flush();
    await start;
    // Fast runs take 1..60 ms, slow ones 200..260 ms; no task waits for a worker. Some go
    // through the balancer: they are its pools' tasks, counted once in the total.
    const durations: number[] = [];
    const runs: Promise<unknown>[] = [];
    const submit = (to: 'fast' | 'slow' | 'api', n: number) => {
      durations.push(n);
      runs.push(to === 'api' ? system.balancer('api').submit(n) : system.pool(to).submit(n));
    };
    for (let n = 1; n <= 60; n++) submit('fast', n);
    for (let n = 200; n <= 260; n += 4) submit('slow', n);
    for (let n = 1; n <= 10; n++) submit('api', n);
    await clock.advance(300);
    await Promise.all(runs);
    const metrics = await firstValueFrom(system.metrics$);
    expect(Object.keys(metrics.pools)).toEqual(['fast', 'slow']);
    expect(Object.keys(metrics.balancers)).toEqual(['api']);
    const { total, pools } = metrics;
    for (const key of COUNTERS) expect(total[key]).toBe(sumOf(pools, key));
    expect(total.submitted).toBe(60 + 16 + 10);
    expect(total.completed + total.failed).toBe(total.submitted);
    expect(total.latency.count).toBe(total.completed);
    // One histogram of every completed run (failed ones have their own).
    const every = new Histogram();
    for (const n of durations) if (n % 7 !== 0) every.record(n);
    expect(total.latency.p99).toBe(every.percentiles().p99);
    expect(total.latency.p50).toBe(every.percentiles().p50);
    expect(total.latency.max).toBe(every.percentiles().max);
    expect(total.failedLatency.count).toBe(durations.filter((n) => n % 7 === 0).length);
    // Not the average of the pools' p99s (nor the larger one).
    const p99s = Object.values(pools).map((m) => m.latency.p99);
    expect(total.latency.p99).not.toBe((p99s[0]! + p99s[1]!) / 2);
    await system.close();
  });

  it('emits every intervalMs, the total following the pools', async () => {
    const clock = createVirtualClock();
    const system = createSystem({
      pools: { a: { worker: sleeper(clock), size: 4 }, b: { worker: sleeper(clock), size: 4 } },
      metrics: { intervalMs: 500 },
      clock,
    });
    const start = system.start();
    await clock.flush();
    await start;
    const second = firstValueFrom(system.metrics$.pipe(skip(1)));
    const runs = [1, 2, 3].map((n) => system.pool('a').submit(n));
    runs.push(system.pool('b').submit(5));
    await clock.advance(499);
    await Promise.all(runs);
    await clock.advance(1);
    const { at, total, pools } = await second;
    expect(at).toBe(500);
    expect(total.completed).toBe(4);
    expect(total.completed).toBe(pools.a!.completed + pools.b!.completed);
    await system.close();
  });
});
