import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  WorkerCrashedError,
  type VirtualClock,
} from '@troupe/core';
import { MetricsRecorder } from '../src/metrics/metrics.js';

const finish = (m: MetricsRecorder, n: number): void => {
  m.completed += n;
};

describe('MetricsRecorder counters', () => {
  it('starts at zero', () => {
    const m = new MetricsRecorder(0, 10_000);
    const s = m.snapshot(0);
    expect(s).toMatchObject({
      at: 0,
      submitted: 0,
      completed: 0,
      failed: 0,
      crashed: 0,
      timedOut: 0,
      cancelled: 0,
      dropped: 0,
      rejected: 0,
      waiting: 0,
      queued: 0,
      active: 0,
      late: 0,
      crashes: 0,
      hangs: 0,
      workers: 0,
      throughput: 0,
      utilisation: 0,
      windowMs: 0,
    });
    const none = { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    expect(s.latency).toEqual(none);
    expect(s.failedLatency).toEqual(none);
    expect(s.timedOutLatency).toEqual(none);
    expect(s.crashedLatency).toEqual(none);
    expect(s.queueWait).toEqual(none);
  });

  it('copies every counter into the snapshot', () => {
    const m = new MetricsRecorder(0, 10_000);
    const counters = {
      submitted: 30,
      completed: 10,
      failed: 2,
      crashed: 3,
      timedOut: 4,
      cancelled: 5,
      dropped: 1,
      rejected: 6,
      waiting: 1,
      queued: 2,
      active: 2,
      late: 7,
      crashes: 8,
      hangs: 9,
    };
    Object.assign(m, counters);
    expect(m.finished).toBe(10 + 2 + 3 + 4); // completed, failed, crashed, timed out; not cancelled
    const s = m.snapshot(5);
    expect(s).toMatchObject({ ...counters, at: 5 });
  });

  it('reports latency and queue-wait percentiles from its histograms', () => {
    const m = new MetricsRecorder(0, 10_000);
    m.latency.record(4);
    m.latency.record(8);
    m.queueWait.record(0);
    const s = m.snapshot(0);
    expect(s.latency).toMatchObject({ count: 2, max: 8 });
    expect(s.latency.p50).toBeCloseTo(4, 1);
    expect(s.queueWait).toEqual({ count: 1, p50: 0, p90: 0, p99: 0, max: 0 });
  });

  it('keeps the run times of failed, timed-out and crashed runs apart from completed ones', () => {
    const m = new MetricsRecorder(0, 10_000);
    m.latency.record(2);
    m.runFailed(3);
    m.runTimedOut(100);
    m.runTimedOut(100);
    m.runCrashed(7);
    const s = m.snapshot(0);
    expect(s.latency).toMatchObject({ count: 1, max: 2 });
    expect(s.failedLatency).toMatchObject({ count: 1, max: 3 });
    expect(s.timedOutLatency).toMatchObject({ count: 2, max: 100 });
    expect(s.crashedLatency).toMatchObject({ count: 1, max: 7 });
  });

  it('counts ready workers', () => {
    const m = new MetricsRecorder(0, 10_000);
    m.ready(0, 3);
    m.ready(10, -1);
    expect(m.workers).toBe(2);
    expect(m.snapshot(20).workers).toBe(2);
  });
});

describe('MetricsRecorder windows', () => {
  it('utilisation is busy time over ready time: 2 ready, 1 busy for half of 1 000 ms gives 0.25', () => {
    const m = new MetricsRecorder(0, 10_000);
    m.ready(0, 2);
    m.busy(0, 1);
    m.busy(500, -1);
    const s = m.snapshot(1_000);
    expect(s.utilisation).toBeCloseTo(0.25, 12);
    expect(s.windowMs).toBe(1_000);
  });

  it('integrates changes in the number of ready and busy workers exactly', () => {
    const m = new MetricsRecorder(0, 10_000);
    m.ready(0, 1); // 1 ready on [0, 400)
    m.busy(100, 1); // 1 busy on [100, 700)
    m.ready(400, 3); // 4 ready on [400, 1000)
    m.busy(600, 2); // 3 busy on [600, 700)
    m.busy(700, -3); // none busy from 700
    // busy: 600 * 1 + 100 * 2 = 800; ready: 400 * 1 + 600 * 4 = 2800
    expect(m.snapshot(1_000).utilisation).toBeCloseTo(800 / 2_800, 12);
  });

  it('utilisation is 0 with no ready workers, and at most 1', () => {
    expect(new MetricsRecorder(0, 10_000).snapshot(1_000).utilisation).toBe(0);
    const m = new MetricsRecorder(0, 10_000);
    m.ready(0, 1);
    m.busy(0, 2); // inconsistent input: still capped
    expect(m.snapshot(1_000).utilisation).toBe(1);
  });

  it('throughput is tasks finished per second over the span', () => {
    const m = new MetricsRecorder(0, 10_000);
    finish(m, 10);
    m.failed += 2;
    m.cancelled += 50; // cancelled tasks did not finish
    const s = m.snapshot(2_000);
    expect(s.throughput).toBeCloseTo(6, 12);
    expect(s.windowMs).toBe(2_000);
  });

  it('starts the window at the recorder start time', () => {
    const m = new MetricsRecorder(5_000, 10_000);
    m.ready(5_000, 1);
    m.busy(5_000, 1);
    finish(m, 3);
    const s = m.snapshot(6_000);
    expect(s.windowMs).toBe(1_000);
    expect(s.throughput).toBeCloseTo(3, 12);
    expect(s.utilisation).toBeCloseTo(1, 12);
  });

  it('drops samples older than the window: old work stops counting', () => {
    const m = new MetricsRecorder(0, 1_000);
    m.ready(0, 1);
    m.busy(0, 1);
    for (let t = 100; t <= 2_000; t += 100) {
      finish(m, 1);
      m.snapshot(t); // busy and finishing one task every 100 ms
    }
    m.busy(2_000, -1);
    let s = m.snapshot(2_000);
    expect(s.throughput).toBeCloseTo(10, 12);
    expect(s.utilisation).toBeCloseTo(1, 12);
    for (let t = 2_100; t <= 3_000; t += 100) s = m.snapshot(t); // idle
    expect(s.windowMs).toBe(1_000);
    expect(s.throughput).toBe(0);
    expect(s.utilisation).toBe(0);
  });

  it('a half-idle window reports half', () => {
    const m = new MetricsRecorder(0, 1_000);
    m.ready(0, 1);
    m.busy(0, 1);
    for (let t = 100; t <= 1_500; t += 100) m.snapshot(t);
    m.busy(1_500, -1);
    const s = m.snapshot(2_000);
    expect(s.windowMs).toBe(1_000);
    expect(s.utilisation).toBeCloseTo(0.5, 12);
  });

  it('keeps the window between windowMs and windowMs plus one sample interval when snapshots are frequent', () => {
    const m = new MetricsRecorder(0, 1_000);
    for (let t = 10; t <= 5_000; t += 10) {
      const { windowMs } = m.snapshot(t);
      expect(windowMs).toBeGreaterThanOrEqual(Math.min(t, 1_000));
      expect(windowMs).toBeLessThanOrEqual(1_100);
    }
  });

  it('with sparse snapshots, reports the longer span it actually covers', () => {
    const m = new MetricsRecorder(0, 1_000);
    finish(m, 50);
    const s = m.snapshot(5_000);
    expect(s.windowMs).toBe(5_000);
    expect(s.throughput).toBeCloseTo(10, 12);
    finish(m, 10);
    const next = m.snapshot(6_000);
    expect(next.windowMs).toBe(1_000); // the 5 000 ms sample is now the base
    expect(next.throughput).toBeCloseTo(10, 12);
  });
});

describe('pool latency by outcome', () => {
  const sleep = (clock: VirtualClock, ms: number) =>
    new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  /** Never settles unless its signal aborts (then it rejects): a hang. */
  const hang = (signal: AbortSignal) =>
    new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason as Error)),
    );

  it('p99 latency is that of completed tasks when 5 % hang past the timeout; hangs are reported apart', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: fromAsync({
        run: async (n: number, { signal }) => {
          if (n % 20 === 0) return hang(signal); // 5 % of tasks
          await sleep(clock, 1 + (n % 10)); // 1..10 ms
          return n;
        },
      }),
      size: 4,
      timeoutMs: 100,
      clock,
    }).start();
    const all = Promise.all(Array.from({ length: 400 }, (_, n) => pool.submit(n)));
    while (await clock.next());
    await all;
    const m = pool.getSnapshot().metrics;
    expect({ completed: m.completed, timedOut: m.timedOut }).toEqual({
      completed: 380,
      timedOut: 20,
    });
    expect(m.latency.count).toBe(380);
    expect(m.latency.p99).toBeLessThanOrEqual(10.2);
    expect(m.latency.max).toBe(10);
    expect(m.timedOutLatency).toMatchObject({ count: 20, p50: 100, max: 100 });
    expect(m.failedLatency.count).toBe(0);
    expect(m.crashedLatency.count).toBe(0);
    await pool.close();
  });

  it('records each run under how it ended: threw, worker crashed, completed on retry', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: fromAsync({
        run: async (n: string, { attempt }) => {
          await sleep(clock, attempt === 1 ? 3 : 5);
          if (attempt === 1 && n === 'throws') throw new Error('first run throws');
          if (attempt === 1 && n === 'crashes') throw new WorkerCrashedError('broken resource');
          return n;
        },
      }),
      size: 2,
      retry: { attempts: 2, backoff: { minMs: 1, jitter: 0 } },
      clock,
    }).start();
    const all = Promise.all([pool.submit('throws'), pool.submit('crashes')]);
    while (await clock.next());
    await all;
    const m = pool.getSnapshot().metrics;
    expect(m.completed).toBe(2);
    expect(m.latency).toMatchObject({ count: 2, max: 5 });
    expect(m.failedLatency).toMatchObject({ count: 1, max: 3 });
    expect(m.crashedLatency).toMatchObject({ count: 1, max: 3 });
    expect(m.timedOutLatency.count).toBe(0);
    await pool.close();
  });
});
