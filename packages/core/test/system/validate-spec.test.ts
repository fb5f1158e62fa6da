/** A system spec validated as a whole: every problem at once, each at its path. */
import { describe, expect, it } from 'vitest';
import { createSystem, InvalidSystemSpecError, validateSpec, type SpecProblem } from '@troupe/core';

const f = async (n: number) => n;
/** A problem with these fields (`expect.objectContaining`, typed). */
const at = (problem: { path: string; message?: unknown }): SpecProblem =>
  expect.objectContaining(problem) as SpecProblem;
/** A message matching `pattern` (`expect.stringMatching`, typed). */
const match = (pattern: RegExp): string => expect.stringMatching(pattern) as string;
const paths = (problems: readonly SpecProblem[]) => problems.map((p) => p.path);

describe('validateSpec', () => {
  it('finds nothing wrong with a valid spec', () => {
    expect(
      validateSpec({
        pools: {
          fetch: {
            worker: f,
            size: { min: 2, max: 16, target: { queueWaitP99Ms: 50 } },
            timeoutMs: 10_000,
          },
          store: { worker: async (rows: number[]) => rows, batch: { size: 500, maxWaitMs: 50 } },
          apiA: { worker: f, size: 4 },
          apiB: { worker: f, size: 4 },
        },
        balancers: {
          api: {
            pools: ['apiA', 'apiB'],
            strategy: 'least-loaded',
            health: { maxErrorRate: 0.2, maxP99Ms: 500 },
          },
          outer: { pools: ['api', 'fetch'], strategy: 'weighted', weights: { api: 2, fetch: 1 } },
        },
        pipelines: { ingest: ['fetch', 'store'] },
        supervision: { strategy: 'one-for-one', maxRestarts: 3, withinMs: 60_000 },
        metrics: { intervalMs: 500 },
      }),
    ).toEqual([]);
  });

  it("names each bad option of a pool at its path, in the pool's own words", () => {
    const problems = validateSpec({
      pools: {
        fetch: { worker: f, size: { min: -1, max: 4 }, timeoutMs: -5, qeue: {} },
        store: { worker: 3, batch: { size: 0, maxWaitMs: 5 } },
      },
    });
    expect(problems).toEqual([
      at({
        path: 'pools.fetch.qeue',
        message: match(/did you mean `queue`/),
      }),
      { path: 'pools.fetch.size.min', message: 'expected a whole number >= 0, got -1' },
      {
        path: 'pools.fetch.timeoutMs',
        message: 'expected a number > 0 (milliseconds), or Infinity, got -5',
      },
      at({
        path: 'pools.store.worker',
        message: match(/^expected an \(async\) function.*, got 3$/),
      }),
      { path: 'pools.store.batch.size', message: 'expected a whole number >= 1, got 0' },
    ]);
  });

  it('reports checks across options of an entry once each option is right alone', () => {
    expect(
      validateSpec({
        pools: { b: { worker: f, batch: { size: 2, maxWaitMs: 5 }, queue: { kind: 'priority' } } },
      }),
    ).toEqual([at({ path: 'pools.b.queue.kind' })]);
  });

  it('refuses what the system sets itself', () => {
    const problems = validateSpec({
      pools: { a: { worker: f, name: 'x', clock: {}, inspect: () => {} } },
      balancers: { b: { pools: ['a'], owns: true, clock: {}, isAvailable: () => true, name: 'y' } },
    });
    expect(paths(problems)).toEqual([
      'pools.a.name',
      'pools.a.clock',
      'pools.a.inspect',
      'balancers.b.owns',
      'balancers.b.clock',
      'balancers.b.isAvailable',
      'balancers.b.name',
    ]);
    expect(problems[0]!.message).toBe('not allowed here: a pool is named by its key in `pools`');
  });

  it('checks names and references across the spec', () => {
    const problems = validateSpec({
      pools: { apiA: { worker: f }, fetch: { worker: f }, 'a.b': { worker: f } },
      balancers: {
        api: { pools: ['apiA', 'nope', 'api2', 'apiA'] },
        api2: { pools: ['api'] },
        empty: { pools: [] },
        fetch: { pools: ['apiA'] },
      },
      pipelines: { ingest: ['fetch', 'apiA', 'fetch'], nested: ['ingest'], none: [] },
    });
    expect(problems).toEqual([
      at({
        path: 'pools.a.b',
        message: `a name must be non-empty and without '.', got "a.b"`,
      }),
      at({
        path: 'balancers.api.pools[1]',
        message: match(/^"nope" names no pool or balancer/),
      }),
      { path: 'balancers.api.pools[3]', message: "'apiA' is a member already" },
      at({
        path: 'balancers.empty.pools',
        message: 'expected a non-empty array of the names of pools or balancers, got []',
      }),
      {
        path: 'balancers.api.pools',
        message: 'balancers form a cycle: api → api2 → api (a balancer cannot be its own member)',
      },
      {
        path: 'pipelines.ingest[2]',
        message: "'fetch' comes twice: a pipeline goes through each stage once (no cycle)",
      },
      at({
        path: 'pipelines.nested[0]',
        message: match(/^"ingest" is a pipeline: a stage is a pool or a balancer/),
      }),
      at({ path: 'pipelines.none' }),
      at({
        path: 'balancers.fetch',
        message:
          "the name 'fetch' is a pool's already: a name is used once across pools, balancers and pipelines",
      }),
    ]);
  });

  it("checks the spec's own options, each bad one", () => {
    const problems = validateSpec({
      pools: {},
      supervision: {
        strategy: 'one-for-none',
        maxRestarts: -1,
        withinMs: 10,
        restart: 'temporary',
      },
      clok: 1,
      metrics: { intervalMs: 0 },
      random: 5,
      name: '',
    });
    expect(paths(problems)).toEqual([
      'clok',
      'name',
      'supervision.restart',
      'supervision.strategy',
      'supervision.maxRestarts',
      'metrics.intervalMs',
      'random',
      'pools',
    ]);
    expect(validateSpec(null)).toEqual([at({ path: 'spec' })]);
  });
});

describe('createSystem with an invalid spec', () => {
  it('throws one InvalidSystemSpecError listing every problem, one a line, and builds nothing', () => {
    let setups = 0;
    const worker = { kind: 'async', setup: () => void setups++, run: f };
    let error: unknown;
    try {
      createSystem({
        pools: { a: { worker, size: 0 }, b: { worker, timeoutMs: -1 } },
        balancers: { api: { pools: ['a', 'c'] as never } },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidSystemSpecError);
    const { problems, message } = error as InvalidSystemSpecError;
    expect(paths(problems)).toEqual([
      'pools.a.size',
      'pools.b.timeoutMs',
      'balancers.api.pools[1]',
    ]);
    expect(message.split('\n')).toEqual([
      'invalid system spec (3 problems):',
      '  pools.a.size: expected a whole number >= 1, got 0',
      '  pools.b.timeoutMs: expected a number > 0 (milliseconds), or Infinity, got -1',
      match(/^ {2}balancers\.api\.pools\[1\]: "c" names no pool or balancer/),
    ]);
    expect(setups).toBe(0);
  });
});
