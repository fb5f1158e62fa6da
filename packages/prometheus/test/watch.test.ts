/**
 * What `watch` follows and for how long: a closed pool's last figures, a new pool taking over a
 * name, unwatching, names in use, balancers, and sources that only stream metrics. Scraped over
 * loopback and parsed by the Prometheus project's parser, as in the main suite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import {
  createBalancer,
  createVirtualClock,
  InvalidOptionError,
  type PoolMetrics,
  type VirtualClock,
} from '@troupe/core';
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

async function served(): Promise<{ exporter: PrometheusExporter; url: string }> {
  exporter = createPrometheusExporter();
  server = await serve(exporter.handler);
  return { exporter, url: `${server.origin}/metrics` };
}

function pool(clock: VirtualClock, name: string) {
  const p = timedPool(clock, name);
  closers.push(() => p.close({ abort: true }));
  return p;
}

const completed = (labels: Record<string, string>) => ({ ...labels, outcome: 'completed' });

describe('watch', () => {
  it('keeps a closed pool’s last figures, and lets the pool go', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const p = pool(clock, 'gone');
    let reads = 0;
    exporter.watch({
      name: 'gone',
      metrics$: p.metrics$,
      state$: p.state$,
      getSnapshot: () => (reads++, p.getSnapshot()),
    });
    await clock.flush();
    await runJob(clock, p, { ms: 3 });
    await runJob(clock, p, { ms: 4 });
    await p.close();
    const readsAtClose = reads;

    const s = await scrape(url);
    expect(reads).toBe(readsAtClose); // its final snapshot was taken when it closed
    expect(s.value('troupe_tasks_total', completed({ pool: 'gone' }))).toBe(2);
    expect(s.histogram('troupe_task_duration_seconds', completed({ pool: 'gone' }))?.count).toBe(2);
    expect(s.value('troupe_pool_state', { pool: 'gone', state: 'stopped' })).toBe(1);
    expect(s.value('troupe_pool_state', { pool: 'gone', state: 'running' })).toBe(0);
  });

  it('lets a new pool of a closed one’s name continue its series, counters going on up', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const first = pool(clock, 'jobs');
    exporter.watch(first);
    await clock.flush();
    for (const ms of [1, 2, 3]) await runJob(clock, first, { ms });
    expect((await scrape(url)).value('troupe_tasks_total', completed({ pool: 'jobs' }))).toBe(3);
    await runJob(clock, first, { ms: 1 }); // done after the last scrape: must not be lost
    await first.close();

    const second = pool(clock, 'jobs');
    exporter.watch(second);
    await clock.flush();
    await runJob(clock, second, { ms: 2 });
    const s = await scrape(url);
    expect(s.value('troupe_tasks_total', completed({ pool: 'jobs' }))).toBe(5);
    expect(s.value('troupe_tasks_submitted_total', { pool: 'jobs' })).toBe(5);
    const durations = s.histogram('troupe_task_duration_seconds', completed({ pool: 'jobs' }));
    expect(durations?.count).toBe(5);
    expect(durations?.sum).toBeCloseTo(0.009, 12);
    expect(s.value('troupe_pool_state', { pool: 'jobs', state: 'running' })).toBe(1);
  });

  it('counts nothing twice when the same closed pool is watched again', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const p = pool(clock, 'again');
    exporter.watch(p);
    await clock.flush();
    await runJob(clock, p, { ms: 1 });
    await scrape(url);
    await runJob(clock, p, { ms: 1 });
    await p.close();
    exporter.watch(p);
    const s = await scrape(url);
    expect(s.value('troupe_tasks_total', completed({ pool: 'again' }))).toBe(2);
    expect(s.histogram('troupe_task_duration_seconds', completed({ pool: 'again' }))?.count).toBe(
      2,
    );
  });

  it('escapes any name in a label value', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const name = 'a "quoted" \\ name\nover two lines, ünïcode';
    exporter.watch(pool(clock, name));
    await clock.flush();
    const s = await scrape(url);
    expect(s.value('troupe_pool_state', { pool: name, state: 'running' })).toBe(1);
  });

  it('leaves a series as it was when metrics made elsewhere lack a figure or a histogram is not one', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const p = pool(clock, 'whole');
    await clock.flush();
    await runJob(clock, p, { ms: 2 });
    const metrics$ = new Subject<PoolMetrics>();
    exporter.watch({ name: 'foreign', metrics$ });
    const good = p.getSnapshot().metrics;
    metrics$.next(good);
    expect((await scrape(url)).value('troupe_queue_depth', { pool: 'foreign' })).toBe(0);
    const { queued: _lost, ...partial } = good;
    const broken = { latency: { count: 3, max: 1, sum: 1, buckets: [1e9, 3] } };
    metrics$.next({
      ...partial,
      completed: 5,
      histograms: { ...good.histograms!, ...broken },
    } as unknown as PoolMetrics);
    const s = await scrape(url);
    expect(s.status).toBe(200);
    expect(s.value('troupe_queue_depth', { pool: 'foreign' })).toBe(0);
    expect(s.value('troupe_tasks_total', completed({ pool: 'foreign' }))).toBe(5);
    expect(s.histogram('troupe_task_duration_seconds', completed({ pool: 'foreign' }))?.count).toBe(
      1,
    );
  });

  it('refuses a second live source of a name, naming it; a pool and a balancer may share one', async () => {
    const { exporter } = await served();
    const clock = createVirtualClock();
    const a = pool(clock, 'same');
    const b = pool(clock, 'same');
    exporter.watch(a);
    expect(() => exporter.watch(b)).toThrow(InvalidOptionError);
    expect(() => exporter.watch(b)).toThrow(/pool 'same' is watched and not closed/);
    expect(() => exporter.watch(b, { name: 'same-2' })).not.toThrow();
    const front = createBalancer({ name: 'same', pools: [a], clock });
    closers.push(() => front.close());
    expect(() => exporter.watch(front)).not.toThrow();
  });

  it('takes a source’s series out at unwatch, and leaves the others', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const keep = pool(clock, 'keep');
    const drop = pool(clock, 'drop');
    exporter.watch(keep);
    const unwatch = exporter.watch(drop);
    await clock.flush();
    await runJob(clock, drop, { ms: 1 });
    expect((await scrape(url)).samplesWith({ pool: 'drop' }).length).toBeGreaterThan(50);

    unwatch();
    unwatch(); // again: nothing more
    const s = await scrape(url);
    expect(s.samplesWith({ pool: 'drop' })).toEqual([]);
    expect(s.value('troupe_tasks_total', completed({ pool: 'keep' }))).toBe(0);
    // The name is free again, and a new source of it starts from nothing.
    const again = pool(clock, 'drop');
    exporter.watch(again);
    expect((await scrape(url)).value('troupe_tasks_total', completed({ pool: 'drop' }))).toBe(0);
  });

  it('an old unwatch does not take out the series a new source of the name continues', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const old = pool(clock, 'n');
    const unwatchOld = exporter.watch(old);
    await old.close();
    const fresh = pool(clock, 'n');
    exporter.watch(fresh);
    unwatchOld();
    expect((await scrape(url)).value('troupe_pool_state', { pool: 'n', state: 'running' })).toBe(1);
  });

  it('labels a balancer balancer="…", with its own task counts and no histograms', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const a = pool(clock, 'a');
    const b = pool(clock, 'b');
    const front = createBalancer({ name: 'front', pools: [a, b], clock });
    closers.push(() => front.close());
    exporter.watch(front);
    await clock.flush();
    const runs = Promise.all([1, 2, 3, 4].map((ms) => front.submit({ ms })));
    await clock.advance(20);
    await runs;

    const s = await scrape(url);
    expect(s.value('troupe_tasks_total', completed({ balancer: 'front' }))).toBe(4);
    expect(s.value('troupe_pool_size', { balancer: 'front' })).toBe(2);
    expect(s.value('troupe_pool_state', { balancer: 'front', state: 'running' })).toBe(1);
    const names = new Set(s.samplesWith({ balancer: 'front' }).map((x) => x.name));
    expect([...names].filter((n) => n.includes('seconds'))).toEqual([]);
    expect(names.has('troupe_workers')).toBe(false);
    expect(s.samplesWith({ pool: 'a' })).toEqual([]); // its pools are not watched through it
  });

  it('exports a source that only streams metrics, from its latest snapshot', async () => {
    const { exporter, url } = await served();
    const clock = createVirtualClock();
    const p = pool(clock, 'source');
    await clock.flush();
    await runJob(clock, p, { ms: 2 });
    const metrics$ = new Subject<PoolMetrics>();
    exporter.watch({ name: 'remote', metrics$ });
    expect((await scrape(url)).samplesWith({ pool: 'remote' })).toEqual([]); // nothing told yet

    metrics$.next(p.getSnapshot().metrics);
    let s = await scrape(url);
    expect(s.value('troupe_tasks_total', completed({ pool: 'remote' }))).toBe(1);
    expect(s.histogram('troupe_task_duration_seconds', completed({ pool: 'remote' }))?.sum).toBe(
      0.002,
    );
    expect(s.samplesWith({ pool: 'remote', state: 'running' })).toEqual([]); // no state told

    await runJob(clock, p, { ms: 1 });
    metrics$.next(p.getSnapshot().metrics);
    metrics$.complete(); // closed: its last figures stay
    s = await scrape(url);
    expect(s.value('troupe_tasks_total', completed({ pool: 'remote' }))).toBe(2);
    expect(metrics$.observed).toBe(false);
  });
});
