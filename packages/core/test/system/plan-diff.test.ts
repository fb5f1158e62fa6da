/** What a reconfigure changes, worked out from two plans alone. */
import { describe, expect, it } from 'vitest';
import { diffPlans, same } from '../../src/system/plan-diff.js';
import { planSystem } from '../../src/system/system-plan.js';
import type { SystemSpec } from '@troupe/core';

const a = async (n: number) => n;
const b = async (n: number) => n + 1;

const base = {
  pools: {
    fixed: { worker: a, size: 2 },
    dynamic: { worker: a, size: { min: 1, max: 4 } },
    kept: { worker: a },
    gone: { worker: a },
  },
  balancers: {
    inner: { pools: ['fixed', 'kept'] },
    outer: { pools: ['inner', 'dynamic'] },
    other: { pools: ['kept'] },
  },
  pipelines: { p: ['fixed', 'kept'], q: ['kept'] },
} satisfies SystemSpec;

const diff = (next: SystemSpec, live = true) => diffPlans(planSystem(base), planSystem(next), live);

describe('diffPlans', () => {
  it('finds nothing in the same spec', () => {
    expect(diff(base)).toEqual({
      added: [],
      removed: [],
      resized: [],
      replaced: [],
      balancersAdded: [],
      balancersRemoved: [],
      rebalanced: [],
      pipelinesChanged: [],
    });
  });

  it('resizes a size or bounds change live, replaces anything else', () => {
    const result = diff({
      ...base,
      pools: {
        ...base.pools,
        fixed: { worker: a, size: 5 },
        dynamic: { worker: a, size: { min: 2, max: 8 } },
        kept: { worker: b },
      },
    });
    expect(result.resized).toEqual([
      { name: 'fixed', size: 5 },
      { name: 'dynamic', size: { min: 2, max: 8 } },
    ]);
    expect(result.replaced.map((p) => p.name)).toEqual(['kept']);
    // Every balancer over a replaced pool is rebuilt, and those over them, in dependency order.
    expect(result.rebalanced.map((x) => x.name)).toEqual(['inner', 'outer', 'other']);
    expect(result.pipelinesChanged).toEqual([]);
  });

  it('replaces instead of resizing a stopped system, or when the size changes kind', () => {
    expect(
      diff(
        { ...base, pools: { ...base.pools, fixed: { worker: a, size: 3 } } },
        false,
      ).replaced.map((p) => p.name),
    ).toEqual(['fixed']);
    expect(
      diff({
        ...base,
        pools: { ...base.pools, fixed: { worker: a, size: { min: 1, max: 2 } } },
      }).replaced.map((p) => p.name),
    ).toEqual(['fixed']);
  });

  it('adds and removes pools, balancers and pipelines', () => {
    const result = diff({
      pools: {
        fixed: base.pools.fixed,
        dynamic: base.pools.dynamic,
        kept: base.pools.kept,
        fresh: { worker: b },
      },
      balancers: {
        inner: { pools: ['fixed', 'fresh'] },
        outer: base.balancers.outer,
        extra: { pools: ['kept'] },
      },
      pipelines: { p: ['fixed', 'fresh'], r: ['kept'] },
    });
    expect(result.added.map((p) => p.name)).toEqual(['fresh']);
    expect(result.removed).toEqual(['gone']);
    expect(result.balancersAdded.map((x) => x.name)).toEqual(['extra']);
    expect(result.balancersRemoved).toEqual(['other']);
    expect(result.rebalanced.map((x) => x.name)).toEqual(['inner', 'outer']);
    expect(result.pipelinesChanged).toEqual(['p', 'r', 'q']);
  });
});

describe('same', () => {
  it('compares spec data by content and functions by identity', () => {
    expect(same({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(same({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(same({ f: a }, { f: a })).toBe(true);
    expect(same({ f: a }, { f: b })).toBe(false);
    expect(same(new Date(0), new Date(0))).toBe(false);
    expect(same([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});
