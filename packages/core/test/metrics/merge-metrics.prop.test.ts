/**
 * `mergeMetrics`: counters add up, percentiles come from merged histograms (equal to those of one
 * recorder that saw every run), and the non-additive figures combine as documented.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeMetrics, type PoolMetrics } from '@troupe/core';
import { MetricsRecorder } from '../../src/metrics/metrics.js';

const COUNTERS = [
  'submitted',
  'completed',
  'failed',
  'crashed',
  'timedOut',
  'cancelled',
  'dropped',
  'rejected',
  'waiting',
  'queued',
  'retrying',
  'active',
  'late',
  'crashes',
  'hangs',
  'restarts',
  'replaced',
  'retries',
  'quarantined',
] as const;

const ms = fc.integer({ min: 0, max: 2_000_000 }).map((us) => us / 1000);

/** What one pool went through: counters, and the runs each histogram recorded. */
const poolArb = fc.record({
  counters: fc.tuple(...COUNTERS.map(() => fc.nat({ max: 1_000 }))),
  latency: fc.array(ms, { maxLength: 30 }),
  failed: fc.array(ms, { maxLength: 5 }),
  timedOut: fc.array(ms, { maxLength: 5 }),
  crashed: fc.array(ms, { maxLength: 5 }),
  wait: fc.array(ms, { maxLength: 30 }),
});
type PoolRun = typeof poolArb extends fc.Arbitrary<infer T> ? T : never;

function replay(recorder: MetricsRecorder, run: PoolRun): void {
  COUNTERS.forEach((key, i) => (recorder[key] += run.counters[i]!));
  for (const v of run.latency) recorder.latency.record(v);
  for (const v of run.wait) recorder.queueWait.record(v);
  for (const v of run.failed) recorder.runFailed(v);
  for (const v of run.timedOut) recorder.runTimedOut(v);
  for (const v of run.crashed) recorder.runCrashed(v);
}

describe('mergeMetrics', () => {
  it('counters are sums; percentiles equal those of one recorder that saw every run', () => {
    fc.assert(
      fc.property(fc.array(poolArb, { minLength: 1, maxLength: 5 }), (runs) => {
        const one = new MetricsRecorder(0, 10_000);
        const each = runs.map((run) => {
          const recorder = new MetricsRecorder(0, 10_000);
          replay(recorder, run);
          replay(one, run);
          return recorder.snapshot(0);
        });
        const total = mergeMetrics(each);
        const all = one.snapshot(0);
        for (const key of COUNTERS) expect(total[key]).toBe(all[key]);
        for (const key of [
          'latency',
          'failedLatency',
          'timedOutLatency',
          'crashedLatency',
          'queueWait',
        ] as const) {
          expect(total[key]).toEqual(all[key]);
        }
        expect(total.histograms).toEqual(all.histograms);
        // A total merges again, exactly: ((a + b) + c) = (a + b + c).
        if (each.length > 2) {
          const [first, second, ...rest] = each;
          expect(mergeMetrics([mergeMetrics([first!, second!]), ...rest])).toEqual(total);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('utilisation is weighted by workers; throughput adds; windowMs is the shortest; at the latest', () => {
    const base = new MetricsRecorder(0, 10_000).snapshot(0);
    const a: PoolMetrics = {
      ...base,
      at: 100,
      workers: 1,
      utilisation: 1,
      throughput: 10,
      windowMs: 5_000,
    };
    const b: PoolMetrics = {
      ...base,
      at: 300,
      workers: 3,
      utilisation: 0.2,
      throughput: 2.5,
      windowMs: 10_000,
    };
    const total = mergeMetrics([a, b]);
    expect(total.utilisation).toBeCloseTo((1 * 1 + 3 * 0.2) / 4, 12);
    expect(total).toMatchObject({ workers: 4, throughput: 12.5, windowMs: 5_000, at: 300 });
  });

  it('without every member’s histograms, percentiles are upper bounds and the total has none', () => {
    const base = new MetricsRecorder(0, 10_000).snapshot(0);
    const { histograms: _dropped, ...bare } = base;
    const a: PoolMetrics = { ...bare, latency: { count: 10, p50: 1, p90: 9, p99: 20, max: 30 } };
    const b: PoolMetrics = { ...base, latency: { count: 5, p50: 4, p90: 5, p99: 6, max: 7 } };
    const total = mergeMetrics([a, b]);
    expect(total.latency).toEqual({ count: 15, p50: 4, p90: 9, p99: 20, max: 30 });
    expect(total.histograms).toBeUndefined();
  });

  it('an empty list is zeros', () => {
    const total = mergeMetrics([]);
    expect(total).toMatchObject({ at: 0, submitted: 0, workers: 0, utilisation: 0, windowMs: 0 });
    expect(total.latency).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    expect(total.histograms?.latency).toEqual({ count: 0, max: 0, sum: 0, buckets: [] });
  });
});
