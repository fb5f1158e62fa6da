/**
 * A balancer's metrics carry mergeable histograms, consistent with its percentiles, so balancers
 * add up with `mergeMetrics` and `aggregateMetrics` as pools do.
 */
import { describe, expect, it } from 'vitest';
import {
  createBalancer,
  createPool,
  createVirtualClock,
  mergeMetrics,
  percentilesOf,
  type PoolMetrics,
  type VirtualClock,
} from '@troupe/core';

/** A pool whose worker takes `n` ms of virtual time. */
const timed = (clock: VirtualClock, name: string, size: number) =>
  createPool({
    name,
    size,
    clock,
    worker: (n: number) => new Promise<number>((resolve) => clock.setTimeout(() => resolve(n), n)),
  }).start();

const TIMED = [
  'latency',
  'failedLatency',
  'timedOutLatency',
  'crashedLatency',
  'queueWait',
] as const;

function expectConsistent(m: PoolMetrics): void {
  expect(m.histograms).toBeDefined();
  for (const key of TIMED) expect(percentilesOf(m.histograms![key])).toEqual(m[key]);
}

describe('balancer metrics', () => {
  it('carry histograms behind their percentiles, and merge exactly', async () => {
    const clock = createVirtualClock();
    const a = timed(clock, 'a', 2);
    const b = timed(clock, 'b', 2);
    await clock.flush();
    const east = createBalancer({ name: 'east', pools: [a], clock, capacity: 100 });
    const west = createBalancer({ name: 'west', pools: [b], clock, capacity: 100 });
    // A balancer times one task in 8 (and every one it held): its histograms are samples, and
    // what matters here is that they agree with its percentiles and merge as such.
    const runs = Promise.all([
      ...[5, 10, 15, 20, 25].map((n) => east.submit(n)),
      ...[7, 70, 700].map((n) => west.submit(n)),
    ]);
    await clock.advance(1_000);
    await runs;
    const e = east.getSnapshot().metrics;
    const w = west.getSnapshot().metrics;
    expectConsistent(e);
    expectConsistent(w);
    const total = mergeMetrics([e, w]);
    expectConsistent(total);
    expect(total.submitted).toBe(8);
    expect(total.latency.count).toBe(e.latency.count + w.latency.count);
    expect(total.latency.max).toBe(Math.max(e.latency.max, w.latency.max));
    await Promise.all([east.close(), west.close(), a.close(), b.close()]);
  });

  it('a pool’s metrics carry them too', async () => {
    const clock = createVirtualClock();
    const pool = timed(clock, 'p', 1);
    await clock.flush();
    const done = Promise.all([3, 4].map((n) => pool.submit(n)));
    await clock.advance(10);
    await done;
    const m = pool.getSnapshot().metrics;
    expectConsistent(m);
    expect(m.histograms!.latency.count).toBe(2);
    await pool.close();
  });
});
