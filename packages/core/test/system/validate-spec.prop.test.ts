/**
 * Property: corrupt any set of places of a valid spec, and every corruption is reported at its
 * own path — all of them at once, and nothing else.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- corruptions reach into an untyped copy of a spec */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateSpec } from '@troupe/core';

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const f = async (n: number) => n;

/** A valid spec, fresh each time (corruptions change it in place). */
function validSpec(): Spec {
  return {
    pools: {
      fetch: { worker: f, size: { min: 2, max: 16 }, timeoutMs: 10_000, queue: { capacity: 100 } },
      store: { worker: async (rows: number[]) => rows, batch: { size: 500, maxWaitMs: 50 } },
      apiA: { worker: f, size: 4 },
      apiB: { worker: f, size: 4, retry: { attempts: 2 } },
    },
    balancers: {
      api: {
        pools: ['apiA', 'apiB'],
        strategy: 'least-loaded',
        capacity: 100,
        health: { maxErrorRate: 0.2 },
      },
      outer: { pools: ['api', 'fetch'], strategy: 'round-robin', intervalMs: 500 },
    },
    pipelines: { ingest: ['fetch', 'store'], calls: ['outer'] },
    supervision: { strategy: 'one-for-one', maxRestarts: 3, withinMs: 60_000 },
    metrics: { intervalMs: 1_000 },
  };
}

/** One corruption: where it is reported, and what it does to the spec. */
interface Corruption {
  readonly path: string;
  readonly apply: (spec: Spec) => void;
}

const corruptions: readonly Corruption[] = [
  { path: 'pools.fetch.size.min', apply: (s) => (s.pools.fetch.size.min = -1) },
  { path: 'pools.fetch.timeoutMs', apply: (s) => (s.pools.fetch.timeoutMs = 0) },
  { path: 'pools.fetch.queue.capacity', apply: (s) => (s.pools.fetch.queue.capacity = -3) },
  { path: 'pools.store.batch.maxWaitMs', apply: (s) => (s.pools.store.batch.maxWaitMs = 0) },
  { path: 'pools.apiA.size', apply: (s) => (s.pools.apiA.size = 1.5) },
  { path: 'pools.apiA.worker', apply: (s) => (s.pools.apiA.worker = 'callA') },
  { path: 'pools.apiB.retry.attempts', apply: (s) => (s.pools.apiB.retry.attempts = 0) },
  { path: 'pools.apiB.tiemoutMs', apply: (s) => (s.pools.apiB.tiemoutMs = 5) },
  { path: 'balancers.api.strategy', apply: (s) => (s.balancers.api.strategy = 'fastest') },
  { path: 'balancers.api.capacity', apply: (s) => (s.balancers.api.capacity = -1) },
  {
    path: 'balancers.api.health.maxErrorRate',
    apply: (s) => (s.balancers.api.health.maxErrorRate = 7),
  },
  { path: 'balancers.api.pools[1]', apply: (s) => (s.balancers.api.pools[1] = 'apiC') },
  { path: 'balancers.outer.intervalMs', apply: (s) => (s.balancers.outer.intervalMs = 0) },
  { path: 'balancers.outer.pools[0]', apply: (s) => (s.balancers.outer.pools[0] = 'ingest') },
  { path: 'pipelines.ingest[1]', apply: (s) => (s.pipelines.ingest[1] = 'nowhere') },
  { path: 'pipelines.calls', apply: (s) => (s.pipelines.calls = []) },
  { path: 'supervision.maxRestarts', apply: (s) => (s.supervision.maxRestarts = -1) },
  { path: 'supervision.withinMs', apply: (s) => (s.supervision.withinMs = 0) },
  { path: 'metrics.intervalMs', apply: (s) => (s.metrics.intervalMs = Infinity) },
  { path: 'pipelins', apply: (s) => (s.pipelins = {}) },
];

describe('validateSpec (property)', () => {
  it('reports every corruption at its path, and nothing else', () => {
    fc.assert(
      fc.property(fc.subarray([...corruptions], { minLength: 1 }), (chosen) => {
        const spec = validSpec();
        for (const corruption of chosen) corruption.apply(spec);
        const reported = validateSpec(spec).map((p) => p.path);
        expect(new Set(reported)).toEqual(new Set(chosen.map((c) => c.path)));
      }),
      { numRuns: 300 },
    );
  });

  it('finds the valid spec valid', () => {
    expect(validateSpec(validSpec())).toEqual([]);
  });
});
