/**
 * The exporter scraped as Prometheus scrapes it: a real HTTP server on loopback, real pools doing
 * work on a virtual clock (so every duration is known), the exposition parsed by a parser this
 * project did not write, and exact values asserted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createVirtualClock, type VirtualClock } from '@troupe/core';
import { createPrometheusExporter, type PrometheusExporter } from '@troupe/prometheus';
import { scrape, serve, type Served } from './support/scrape.js';
import { runJob, timedPool } from './support/timed-pool.js';

let server: Served | undefined;
let exporter: PrometheusExporter | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await server?.close();
  exporter?.close();
  server = undefined;
  exporter = undefined;
});

/** An exporter served on loopback; returns the URL of its `/metrics`. */
async function served(): Promise<{ exporter: PrometheusExporter; url: string }> {
  exporter = createPrometheusExporter();
  server = await serve(exporter.handler);
  return { exporter, url: `${server.origin}/metrics` };
}

function pool(clock: VirtualClock, name: string, options: Parameters<typeof timedPool>[2] = {}) {
  const p = timedPool(clock, name, options);
  closers.push(() => p.close({ abort: true }));
  return p;
}

const outcome = (pool: string, outcome: string) => ({ pool, outcome });

describe('a scrape over loopback', () => {
  it('counts tasks by outcome, and times completed runs in cumulative buckets', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const work = pool(clock, 'work', {
      timeoutMs: 50,
      queue: { capacity: 1, overflow: 'drop-oldest' },
    });
    exporter.watch(work);
    await clock.flush();

    // Completed, each duration known: 0.9 ms lies under 1 ms; 1 ms exactly is in the bucket of
    // 1000-1007 µs, which straddles the 1 ms bound, so it counts under the next one (2.5 ms).
    for (const ms of [0.9, 1, 2, 20, 30]) await runJob(clock, work, { ms });
    await runJob(clock, work, { ms: 5, end: 'fail' });
    await runJob(clock, work, { ms: 200 }); // past its 50 ms: timed out
    await runJob(clock, work, { ms: 3, end: 'crash' });
    await clock.advance(10); // the crashed worker restarts

    // One runs (40 ms), one queued behind it is dropped by the next, which is cancelled queued.
    const running = work.submit({ ms: 40 });
    const dropped = work.submit({ ms: 1 });
    const abort = new AbortController();
    const cancelled = work.submit({ ms: 1 }, { signal: abort.signal });
    abort.abort(new Error('not needed'));
    // A signal already aborted is refused at the door (counted rejected, settled TaskCancelled).
    const rejected = work.submit({ ms: 1 }, { signal: AbortSignal.abort() });
    await clock.advance(300);
    const results = await Promise.all([running, dropped, cancelled, rejected]);
    expect(results.map((r) => (r._tag === 'Left' ? r.left._tag : 'ok'))).toEqual([
      'ok',
      'TaskRejected',
      'TaskCancelled',
      'TaskCancelled',
    ]);

    const s = await scrape(url);
    expect(s.status).toBe(200);
    expect(s.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(s.typeOf('troupe_tasks_total')).toBe('counter');
    const counts = Object.fromEntries(
      ['completed', 'failed', 'crashed', 'timed_out', 'cancelled', 'dropped', 'rejected'].map(
        (o) => [o, s.value('troupe_tasks_total', outcome('work', o))],
      ),
    );
    expect(counts).toEqual({
      completed: 6,
      failed: 1,
      crashed: 1,
      timed_out: 1,
      cancelled: 1,
      dropped: 1,
      rejected: 1,
    });
    const m = work.getSnapshot().metrics;
    expect(s.value('troupe_tasks_submitted_total', { pool: 'work' })).toBe(m.submitted);
    expect(s.value('troupe_worker_crashes_total', { pool: 'work' })).toBe(1);
    expect(s.value('troupe_restarts_total', { pool: 'work' })).toBe(1);
    expect(s.value('troupe_retries_total', { pool: 'work' })).toBe(0);

    expect(s.typeOf('troupe_task_duration_seconds_count')).toBe('histogram');
    const completed = s.histogram('troupe_task_duration_seconds', outcome('work', 'completed'));
    expect(completed?.count).toBe(6);
    expect(completed?.sum).toBeCloseTo((0.9 + 1 + 2 + 20 + 30 + 40) / 1000, 12);
    // Cumulative: 0.9 ms; then 1 and 2 ms; 20 ms; 30 and 40 ms.
    expect(completed?.buckets).toEqual({
      ...bounds([0, 1, 3, 3, 3, 4, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]),
      '+Inf': 6,
    });
    expect(s.histogram('troupe_task_duration_seconds', outcome('work', 'failed'))).toMatchObject({
      count: 1,
      sum: 0.005,
    });
    const timedOut = s.histogram('troupe_task_duration_seconds', outcome('work', 'timed_out'));
    expect(timedOut).toMatchObject({ count: 1, sum: 0.05 });
    expect(timedOut?.buckets['0.05']).toBe(0); // 50 ms is in a bucket that reaches past 50 ms
    expect(timedOut?.buckets['0.1']).toBe(1);
    expect(s.histogram('troupe_task_duration_seconds', outcome('work', 'crashed'))).toMatchObject({
      count: 1,
      sum: 0.003,
    });
    const wait = s.histogram('troupe_queue_wait_seconds', { pool: 'work' });
    expect(wait?.count).toBe(m.queueWait.count);
    expect(wait?.buckets['+Inf']).toBe(m.queueWait.count);
  });

  it('shows the queue, the running tasks, the workers and the state as they are now', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const busy = pool(clock, 'busy', { size: 2 });
    exporter.watch(busy);
    await clock.flush();
    const jobs = Promise.all([10, 10, 10, 10, 10].map((ms) => busy.submit({ ms })));
    await clock.flush();

    const during = await scrape(url);
    expect(during.value('troupe_tasks_active', { pool: 'busy' })).toBe(2);
    expect(during.value('troupe_queue_depth', { pool: 'busy' })).toBe(3);
    expect(during.value('troupe_tasks_waiting', { pool: 'busy' })).toBe(0);
    expect(during.value('troupe_workers', { pool: 'busy', state: 'busy' })).toBe(2);
    expect(during.value('troupe_workers', { pool: 'busy', state: 'idle' })).toBe(0);
    expect(during.value('troupe_pool_size', { pool: 'busy' })).toBe(2);
    expect(states(during, 'busy')).toEqual({
      stopped: 0,
      starting: 0,
      running: 1,
      closing: 0,
      failed: 0,
    });

    await clock.advance(50);
    await jobs;
    const after = await scrape(url);
    expect(after.value('troupe_tasks_active', { pool: 'busy' })).toBe(0);
    expect(after.value('troupe_queue_depth', { pool: 'busy' })).toBe(0);
    expect(after.value('troupe_workers', { pool: 'busy', state: 'idle' })).toBe(2);
    expect(after.value('troupe_utilisation_ratio', { pool: 'busy' })).toBe(
      busy.getSnapshot().metrics.utilisation,
    );
  });

  it('never lowers a counter or a bucket from one scrape to the next', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const p = pool(clock, 'p', { size: 2, timeoutMs: 30 });
    exporter.watch(p);
    await clock.flush();
    let previous = new Map<string, number>();
    for (let round = 0; round < 6; round++) {
      const jobs = [1, 5, 12, 40].map((ms, i) =>
        p.submit({ ms: ms * (round + 1), end: (round + i) % 3 === 0 ? 'fail' : 'ok' }),
      );
      await clock.advance(300);
      await Promise.all(jobs);
      const now = cumulative(await scrape(url));
      expect(now.size).toBeGreaterThan(20);
      for (const [series, value] of previous)
        expect(now.get(series), series).toBeGreaterThanOrEqual(value);
      previous = now;
    }
    expect(previous.get('troupe_tasks_total{"pool":"p","outcome":"completed"}')).toBeGreaterThan(0);
  });

  it('reads each source once a scrape, so every metric of a scrape agrees', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const p = pool(clock, 'p');
    let reads = 0;
    exporter.watch({
      name: 'counted',
      metrics$: p.metrics$,
      state$: p.state$,
      getSnapshot: () => {
        reads++;
        return p.getSnapshot();
      },
    });
    await clock.flush();
    reads = 0;
    await runJob(clock, p, { ms: 2 });
    expect(reads).toBe(0); // nothing is read between scrapes
    const s = await scrape(url);
    expect(reads).toBe(1);
    expect(s.value('troupe_tasks_total', outcome('counted', 'completed'))).toBe(
      s.histogram('troupe_task_duration_seconds', outcome('counted', 'completed'))?.count,
    );
    await scrape(url);
    expect(reads).toBe(2);
  });
});

/** The `le` buckets of the default bounds, with these cumulative counts. */
function bounds(counts: readonly number[]): Record<string, number> {
  const les = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
  ];
  return Object.fromEntries(les.map((le, i) => [String(le), counts[i]!]));
}

function states(
  s: Awaited<ReturnType<typeof scrape>>,
  name: string,
): Record<string, number | undefined> {
  return Object.fromEntries(
    ['stopped', 'starting', 'running', 'closing', 'failed'].map((state) => [
      state,
      s.value('troupe_pool_state', { pool: name, state }),
    ]),
  );
}

/** Every counter sample and every histogram bucket, count and sum of a scrape, by a stable key. */
function cumulative(s: Awaited<ReturnType<typeof scrape>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const family of s.families) {
    if (family.type !== 'counter' && family.type !== 'histogram') continue;
    for (const sample of family.samples)
      out.set(`${sample.name}${JSON.stringify(sample.labels)}`, sample.value);
  }
  return out;
}
