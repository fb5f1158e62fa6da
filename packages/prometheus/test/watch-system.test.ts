/**
 * `watch(system)`: every pool and balancer of a system exported under its name in the system,
 * followed as members are added, replaced and removed by `reconfigure`, counters going on across
 * a replacement. Read through the registry (the scrape path itself is the main suite's).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Counter } from 'prom-client';
import { createSystem, InvalidOptionError } from '@troupe/core';
import { createPrometheusExporter, type PrometheusExporter } from '@troupe/prometheus';

let exporter: PrometheusExporter | undefined;
afterEach(() => {
  exporter?.close();
  exporter = undefined;
});

/** `troupe_tasks_total` by source: `{ 'pool:a': completed, … }` (completed only). */
async function completed(exporter: PrometheusExporter): Promise<Record<string, number>> {
  const counter = exporter.registry.getSingleMetric('troupe_tasks_total') as Counter;
  const out: Record<string, number> = {};
  for (const { labels, value } of (await counter.get()).values) {
    if (labels.outcome !== 'completed') continue;
    const key = labels.pool !== undefined ? `pool:${labels.pool}` : `balancer:${labels.balancer}`;
    out[key] = value;
  }
  return out;
}

const echo = (tag: string) => async (n: number) => `${tag}:${n}`;

describe('watch(system)', () => {
  it('exports each member under its name and follows reconfigure: added, replaced (counting on), removed', async () => {
    const spec = {
      pools: { a: { worker: echo('a'), size: 2 }, b: { worker: echo('b'), size: 2 } },
      balancers: { api: { pools: ['a', 'b'], strategy: 'round-robin' as const } },
    };
    const system = createSystem(spec);
    await system.start();
    exporter = createPrometheusExporter();
    exporter.watch(system);
    await Promise.all(Array.from({ length: 10 }, (_, n) => system.balancer('api').run(n)));
    await system.pool('a').run(100);
    expect(await completed(exporter)).toEqual({ 'pool:a': 6, 'pool:b': 5, 'balancer:api': 10 });

    // a's worker changes (replaced: a new pool), c comes, b goes.
    const next = await system.reconfigure({
      pools: { a: { worker: echo('a2'), size: 2 }, c: { worker: echo('c'), size: 1 } },
      balancers: { api: { pools: ['a', 'c'], strategy: 'round-robin' } },
    });
    expect(await next.pool('a').run(1)).toBe('a2:1');
    await next.pool('c').run(2);
    const after = await completed(exporter);
    // The replacement counts on from the old pool's 6; b's series left with b.
    expect(after['pool:a']).toBe(7);
    expect(after['pool:c']).toBe(1);
    expect(after['pool:b']).toBeUndefined();
    await system.close();
  });

  it('unwatch takes every member out; options are refused for a system, naming why', async () => {
    const system = createSystem({ pools: { only: { worker: echo('x'), size: 1 } } });
    await system.start();
    exporter = createPrometheusExporter();
    expect(() => exporter!.watch(system, { name: 'other' })).toThrow(InvalidOptionError);
    const unwatch = exporter.watch(system);
    await system.pool('only').run(1);
    expect(await completed(exporter)).toEqual({ 'pool:only': 1 });
    unwatch();
    expect(await completed(exporter)).toEqual({});
    await system.close();
  });

  it('a closed system keeps its members last figures', async () => {
    const system = createSystem({ pools: { p: { worker: echo('p'), size: 1 } } });
    await system.start();
    exporter = createPrometheusExporter();
    exporter.watch(system);
    await system.pool('p').run(1);
    await system.pool('p').run(2);
    await system.close();
    expect(await completed(exporter)).toEqual({ 'pool:p': 2 });
  });
});
