/**
 * The exporter's options and its place in a registry: bad options throw `InvalidOptionError`
 * naming them; the exporter shares a registry with other metrics, serves OpenMetrics when the
 * registry does (read by the strict OpenMetrics parser), takes its metrics out on close, and
 * starts its totals again on `resetMetrics()`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Counter, Registry, type OpenMetricsContentType } from 'prom-client';
import { createVirtualClock, InvalidOptionError } from '@troupe/core';
import {
  createPrometheusExporter,
  DEFAULT_BUCKETS,
  type PrometheusExporter,
} from '@troupe/prometheus';
import { scrape, serve, type Served } from './support/scrape.js';
import { runJob, timedPool } from './support/timed-pool.js';

let server: Served | undefined;
const exporters: PrometheusExporter[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await server?.close();
  server = undefined;
  for (const exporter of exporters.splice(0)) exporter.close();
});

function exporterOf(options: Parameters<typeof createPrometheusExporter>[0]): PrometheusExporter {
  const exporter = createPrometheusExporter(options);
  exporters.push(exporter);
  return exporter;
}

/** What `fn` throws, as an `InvalidOptionError`. */
function refusal(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('did not throw');
}

describe('options', () => {
  it('refuses bad ones, naming the option, the value and what is allowed', () => {
    const bad: [unknown, string, RegExp][] = [
      [{ prefix: '1troupe_' }, 'prefix', /Prometheus metric name may start with/],
      [{ prefix: 'troupe-' }, 'prefix', /letters, digits/],
      [{ buckets: [] }, 'buckets', /non-empty array/],
      [{ buckets: [0.1, 0.1] }, 'buckets[1]', /> 0.1/],
      [{ buckets: [0.5, Infinity] }, 'buckets[1]', /finite/],
      [{ buckets: [-1] }, 'buckets[0]', /> 0/],
      [{ path: 'metrics' }, 'path', /starting with '\/'/],
      [{ registry: {} }, 'registry', /prom-client Registry/],
      [{ prefx: 'x_' }, 'prefx', /did you mean `prefix`/],
      [null, 'options', /an object/],
    ];
    for (const [options, option, allowed] of bad) {
      const error = refusal(() =>
        createPrometheusExporter(options as Parameters<typeof createPrometheusExporter>[0]),
      );
      expect(error.option).toBe(option);
      expect(error.message).toMatch(allowed);
    }
  });

  it('refuses what watch cannot export', () => {
    const exporter = exporterOf({});
    const clock = createVirtualClock();
    const pool = timedPool(clock, 'p');
    closers.push(() => pool.close());
    expect(refusal(() => exporter.watch({} as never)).option).toBe('source');
    expect(refusal(() => exporter.watch(pool, { name: '' })).option).toBe('name');
    expect(refusal(() => exporter.watch(pool, { kind: 'queue' as never })).option).toBe('kind');
    expect(refusal(() => exporter.watch(pool, { nmae: 'x' } as never)).message).toMatch(
      /did you mean `name`/,
    );
    const { metrics$ } = pool;
    expect(refusal(() => exporter.watch({ metrics$ })).option).toBe('source.name');
    expect(refusal(() => exporter.watch({ name: 'x', metrics$, state$: 5 } as never)).option).toBe(
      'source.state$',
    );
  });

  it('has documented default bounds from half a millisecond to a minute', () => {
    expect(DEFAULT_BUCKETS[0]).toBe(0.0005);
    expect(DEFAULT_BUCKETS.at(-1)).toBe(60);
  });
});

describe('the registry', () => {
  it('shares one with other metrics; one exporter per registry and prefix; close takes its own out', async () => {
    const registry = new Registry();
    const own = new Counter({
      name: 'app_requests_total',
      help: 'the app’s own',
      registers: [registry],
    });
    own.inc(3);
    const exporter = exporterOf({ registry, buckets: [0.01, 1] });
    expect(exporter.registry).toBe(registry);
    expect(refusal(() => createPrometheusExporter({ registry })).message).toMatch(
      /has troupe_tasks_total/,
    );
    const other = exporterOf({ registry, prefix: 'other_' });

    const clock = createVirtualClock();
    const pool = timedPool(clock, 'p');
    closers.push(() => pool.close());
    exporter.watch(pool);
    other.watch(pool);
    await clock.flush();
    await runJob(clock, pool, { ms: 5 });
    const text = await registry.metrics(); // read without the handler, as an app's own route would
    expect(text).toContain('app_requests_total 3');
    expect(text).toContain('troupe_tasks_total{pool="p",outcome="completed"} 1');
    expect(text).toContain('other_tasks_total{pool="p",outcome="completed"} 1');
    expect(text).toContain(
      'troupe_task_duration_seconds_bucket{pool="p",outcome="completed",le="0.01"} 1',
    );

    exporter.close();
    const after = await registry.metrics();
    expect(after).not.toContain('troupe_');
    expect(after).toContain('app_requests_total 3');
    expect(after).toContain('other_tasks_total');
    expect(() => exporter.watch(pool)).toThrow(/closed/);
    expect(() => createPrometheusExporter({ registry })).not.toThrow(); // the names are free again
  });

  it('serves OpenMetrics when the registry does, as the strict OpenMetrics parser reads it', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const exporter = exporterOf({ registry });
    server = await serve(exporter.handler);
    const clock = createVirtualClock();
    const pool = timedPool(clock, 'om');
    closers.push(() => pool.close());
    exporter.watch(pool);
    await clock.flush();
    for (const ms of [1, 7, 70]) await runJob(clock, pool, { ms });
    const s = await scrape(`${server.origin}/metrics`, 'openmetrics');
    expect(s.contentType).toBe(Registry.OPENMETRICS_CONTENT_TYPE);
    expect(s.value('troupe_tasks_total', { pool: 'om', outcome: 'completed' })).toBe(3);
    const h = s.histogram('troupe_task_duration_seconds', { pool: 'om', outcome: 'completed' });
    expect(h?.count).toBe(3);
    expect(h?.sum).toBeCloseTo(0.078, 12);
  });

  it('starts its totals again from 0 on resetMetrics(), then counts on', async () => {
    const registry = new Registry();
    const exporter = exporterOf({ registry });
    server = await serve(exporter.handler);
    const clock = createVirtualClock();
    const pool = timedPool(clock, 'r');
    closers.push(() => pool.close());
    exporter.watch(pool);
    await clock.flush();
    await runJob(clock, pool, { ms: 2 });
    const url = `${server.origin}/metrics`;
    expect(
      (await scrape(url)).value('troupe_tasks_total', { pool: 'r', outcome: 'completed' }),
    ).toBe(1);
    registry.resetMetrics();
    await runJob(clock, pool, { ms: 3 });
    const s = await scrape(url);
    expect(s.value('troupe_tasks_total', { pool: 'r', outcome: 'completed' })).toBe(1);
    expect(
      s.histogram('troupe_task_duration_seconds', { pool: 'r', outcome: 'completed' }),
    ).toMatchObject({
      count: 1,
      sum: 0.003,
    });
  });
});
