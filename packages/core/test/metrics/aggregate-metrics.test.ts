/**
 * `aggregateMetrics` over real pools on a virtual clock: exact totals, per-member figures, at
 * most one emission per interval, completion when every member completes, options checked.
 */
import { Subject, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  aggregateMetrics,
  createPool,
  createVirtualClock,
  Histogram,
  InvalidOptionError,
  mergeMetrics,
  type AggregatedMetrics,
  type PoolMetrics,
  type VirtualClock,
} from '@troupe/core';
import { MetricsRecorder } from '../../src/metrics/metrics.js';
import { expectConserved } from '../support/conservation.js';

/** A started pool whose worker takes `n` ms of virtual time, failing on odd `n` when asked. */
function pool(clock: VirtualClock, name: string, size: number, failOdd = false) {
  return createPool({
    name,
    clock,
    size,
    metrics: { intervalMs: 100 },
    worker: (n: number) =>
      new Promise<number>((resolve, reject) =>
        clock.setTimeout(
          () => (failOdd && n % 2 === 1 ? reject(new Error(`odd ${n}`)) : resolve(n)),
          n,
        ),
      ),
  }).start();
}

function collect(stream: Observable<AggregatedMetrics>) {
  const seen: AggregatedMetrics[] = [];
  let done = false;
  const subscription = stream.subscribe({
    next: (m) => seen.push(m),
    complete: () => (done = true),
  });
  return { seen, done: () => done, subscription };
}

describe('aggregateMetrics', () => {
  it('two real pools: counters are sums, percentiles those of every run recorded in one histogram', async () => {
    const clock = createVirtualClock();
    const fetch = pool(clock, 'fetch', 2);
    const store = pool(clock, 'store', 3, true);
    await clock.flush();
    const { seen, done } = collect(aggregateMetrics({ fetch, store }, { clock, intervalMs: 250 }));
    const fetchRuns = [3, 40, 7, 120, 9];
    const storeRuns = [2, 5, 60, 11, 33, 8, 250];
    const settled = Promise.all([
      ...fetchRuns.map((n) => fetch.submit(n)),
      ...storeRuns.map((n) => store.submit(n)),
    ]);
    await clock.advance(1_000);
    await settled;
    await clock.advance(500);
    const last = seen.at(-1)!;
    const { total, members } = last;
    expect(Object.keys(members)).toEqual(['fetch', 'store']);
    const f = members.fetch!;
    const s = members.store!;
    expect(f.completed).toBe(5);
    expect(s).toMatchObject({ completed: 4, failed: 3 });
    expect(total).toMatchObject({
      submitted: 12,
      completed: 9,
      failed: 3,
      workers: 5,
      active: 0,
      queued: 0,
    });
    expectConserved(total);
    // One histogram that saw every completed run and every wait gives the same percentiles.
    const latency = new Histogram();
    for (const n of [...fetchRuns, ...storeRuns.filter((n) => n % 2 === 0)]) latency.record(n);
    expect(total.latency).toEqual(latency.percentiles());
    const failed = new Histogram();
    for (const n of storeRuns.filter((n) => n % 2 === 1)) failed.record(n);
    expect(total.failedLatency).toEqual(failed.percentiles());
    expect(total.queueWait.count).toBe(12);
    expect(total.queueWait.max).toBe(Math.max(f.queueWait.max, s.queueWait.max));
    // Not an average of the members' p99s: the merge sees every run.
    expect(total.latency.p99).toBe(latency.percentiles().p99);
    expect(total.utilisation).toBeCloseTo((f.utilisation * 2 + s.utilisation * 3) / 5, 12);
    expect(last.at).toBe(clock.now());

    // Emissions are at least 250 ms apart (the pools report every 100 ms each).
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.at - seen[i - 1]!.at).toBeGreaterThanOrEqual(250);
    }
    expect(seen.length).toBeGreaterThan(3);

    await Promise.all([fetch.close(), store.close()]);
    await clock.flush();
    expect(done()).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it('emits once every member has reported, then on reports, coalesced within the interval', async () => {
    const clock = createVirtualClock();
    const a = new Subject<PoolMetrics>();
    const b = new Subject<PoolMetrics>();
    const { seen, done } = collect(aggregateMetrics({ a, b }, { clock, intervalMs: 100 }));
    const m = (completed: number): PoolMetrics => ({
      ...new MetricsRecorder(clock.now(), 1_000).snapshot(clock.now()),
      completed,
      submitted: completed,
    });
    a.next(m(1));
    expect(seen).toHaveLength(0); // b has not reported
    b.next(m(2));
    expect(seen.map((e) => e.total.completed)).toEqual([3]);
    a.next(m(10)); // within the interval: held
    a.next(m(20));
    expect(seen).toHaveLength(1);
    await clock.advance(100);
    expect(seen.map((e) => e.total.completed)).toEqual([3, 22]);
    await clock.advance(500); // nothing new: nothing emitted
    expect(seen).toHaveLength(2);
    b.next(m(5)); // the interval has passed: at once
    expect(seen.map((e) => e.total.completed)).toEqual([3, 22, 25]);
    a.next(m(30));
    a.complete();
    expect(done()).toBe(false);
    b.complete(); // the held change goes out before completing
    expect(seen.map((e) => e.total.completed)).toEqual([3, 22, 25, 35]);
    expect(done()).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it('total counts the named sources only; members lists them all', () => {
    const clock = createVirtualClock();
    const metrics = (completed: number): PoolMetrics => ({
      ...new MetricsRecorder(0, 1_000).snapshot(0),
      completed,
    });
    const a = new Subject<PoolMetrics>();
    const b = new Subject<PoolMetrics>();
    const lb = new Subject<PoolMetrics>();
    const { seen } = collect(
      aggregateMetrics({ a, b, lb }, { clock, intervalMs: 0, total: ['a', 'b'] }),
    );
    a.next(metrics(1));
    b.next(metrics(2));
    lb.next(metrics(3));
    expect(seen.at(-1)!.total.completed).toBe(3);
    expect(Object.keys(seen.at(-1)!.members)).toEqual(['a', 'b', 'lb']);
    expect(seen.at(-1)!.total).toEqual(mergeMetrics([metrics(1), metrics(2)]));
  });

  it('a member’s error is passed on; unsubscribing leaves no timer', async () => {
    const clock = createVirtualClock();
    const a = new Subject<PoolMetrics>();
    const errors: unknown[] = [];
    aggregateMetrics({ a }, { clock }).subscribe({ error: (e: unknown) => errors.push(e) });
    const boom = new Error('remote gone');
    a.error(boom);
    expect(errors).toEqual([boom]);

    const p = pool(clock, 'p', 1);
    await clock.flush();
    const { seen, subscription } = collect(aggregateMetrics({ p }, { clock, intervalMs: 1_000 }));
    expect(seen).toHaveLength(1);
    await clock.advance(150); // p reported again: an emission is due at 1 000
    subscription.unsubscribe();
    await p.close();
    await clock.flush();
    expect(clock.pending()).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('no sources: completes at once', () => {
    const { seen, done } = collect(aggregateMetrics({}));
    expect(seen).toEqual([]);
    expect(done()).toBe(true);
  });

  it('checks its sources and options, naming what is wrong', () => {
    const clock = createVirtualClock();
    const a = new Subject<PoolMetrics>();
    const bad: [() => unknown, string][] = [
      [() => aggregateMetrics({ a, b: 42 as never }), 'sources.b'],
      [() => aggregateMetrics(null as never), 'sources'],
      [() => aggregateMetrics({ a }, { intervalMs: -1 }), 'intervalMs'],
      [() => aggregateMetrics({ a }, { total: ['a', 'nope'] }), 'total[1]'],
      [() => aggregateMetrics({ a }, { interval: 5 } as never), 'interval'],
      [() => aggregateMetrics({ a }, { clock: {} as never }), 'clock'],
    ];
    for (const [call, option] of bad) {
      try {
        call();
        expect.unreachable(option);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidOptionError);
        expect((error as InvalidOptionError).option).toBe(option);
      }
    }
    expect(() => aggregateMetrics({ a }, { clock, intervalMs: 0, total: [] })).not.toThrow();
  });
});
