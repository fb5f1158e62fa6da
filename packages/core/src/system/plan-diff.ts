/**
 * What `reconfigure` changes, worked out from the running plan and the new one: pure data, so
 * the difference can be read (and tested) apart from applying it.
 */
import type { BalancerPlan, PoolPlan, SystemPlan } from './system-plan.js';

/** A pool whose size alone changed: resized live. */
export interface Resize {
  readonly name: string;
  readonly size: number | { readonly min: number; readonly max: number };
}

/** The difference between two plans. */
export interface PlanDiff {
  /** Pools new in the spec. */
  readonly added: readonly PoolPlan[];
  /** Pools gone from the spec. */
  readonly removed: readonly string[];
  readonly resized: readonly Resize[];
  /** Pools with an option that cannot change live (the worker, the queue, …): a new pool each. */
  readonly replaced: readonly PoolPlan[];
  /** Balancers new in the spec. */
  readonly balancersAdded: readonly BalancerPlan[];
  readonly balancersRemoved: readonly string[];
  /** Balancers built anew: their entry changed, or a member was replaced or rebuilt. */
  readonly rebalanced: readonly BalancerPlan[];
  /** Pipelines added, removed, or with new stages. */
  readonly pipelinesChanged: readonly string[];
}

/** Options of the spec itself that a running system keeps. */
const FIXED: readonly (keyof SystemPlan)[] = [
  'name',
  'clock',
  'inspect',
  'random',
  'metricsIntervalMs',
];

/** The system options that `next` changes and that cannot change live. */
export function fixedChanges(current: SystemPlan, next: SystemPlan): string[] {
  const changed: string[] = FIXED.filter((key) => current[key] !== next[key]).map((key) =>
    key === 'metricsIntervalMs' ? 'metrics' : key,
  );
  const a = current.supervision;
  const b = next.supervision;
  if (
    a.strategy !== b.strategy ||
    a.maxRestarts !== b.maxRestarts ||
    a.withinMs !== b.withinMs ||
    a.resetAfterMs !== b.resetAfterMs ||
    a.backoff.minMs !== b.backoff.minMs ||
    a.backoff.maxMs !== b.backoff.maxMs ||
    a.backoff.factor !== b.backoff.factor ||
    a.backoff.jitter !== b.backoff.jitter
  )
    changed.push('supervision');
  return changed;
}

/** Works out what applying `next` to a system running `current` changes. */
export function diffPlans(current: SystemPlan, next: SystemPlan, live: boolean): PlanDiff {
  const before = new Map(current.pools.map((p) => [p.name, p]));
  const after = new Set(next.pools.map((p) => p.name));
  const added: PoolPlan[] = [];
  const resized: Resize[] = [];
  const replaced: PoolPlan[] = [];
  for (const plan of next.pools) {
    const old = before.get(plan.name);
    if (old === undefined) added.push(plan);
    else if (!same(old.entry, plan.entry)) {
      const size = live ? resizeOnly(old.entry, plan.entry) : undefined;
      if (size === undefined) replaced.push(plan);
      else resized.push({ name: plan.name, size });
    }
  }
  const removed = current.pools.filter((p) => !after.has(p.name)).map((p) => p.name);
  const oldBalancers = new Map(current.balancers.map((b) => [b.name, b]));
  const gone = new Set([...removed, ...replaced.map((p) => p.name)]);
  const balancersAdded: BalancerPlan[] = [];
  const rebalanced: BalancerPlan[] = [];
  // Dependency order: a balancer over a rebuilt one is rebuilt after it.
  for (const plan of next.balancers) {
    const old = oldBalancers.get(plan.name);
    if (old === undefined) balancersAdded.push(plan);
    else if (!same(old.entry, plan.entry) || plan.members.some((m) => gone.has(m))) {
      rebalanced.push(plan);
      gone.add(plan.name);
    }
  }
  const nextBalancers = new Set(next.balancers.map((b) => b.name));
  const balancersRemoved = current.balancers
    .filter((b) => !nextBalancers.has(b.name))
    .map((b) => b.name);
  const oldPipelines = new Map(current.pipelines.map((p) => [p.name, p.stages]));
  const nextPipelines = new Set(next.pipelines.map((p) => p.name));
  const pipelinesChanged = [
    ...next.pipelines
      .filter((p) => {
        const old = oldPipelines.get(p.name);
        return old === undefined || !same(old, p.stages);
      })
      .map((p) => p.name),
    ...current.pipelines.filter((p) => !nextPipelines.has(p.name)).map((p) => p.name),
  ];
  return {
    added,
    removed,
    resized,
    replaced,
    balancersAdded,
    balancersRemoved,
    rebalanced,
    pipelinesChanged,
  };
}

/**
 * What replacing pool `name` by a new pool of the same spec changes (a pool closed through its
 * own handle): the pool, and every balancer over it, directly or through other balancers, in
 * dependency order. Pipelines find their stages by name: none changes.
 */
export function replacementDiff(plan: SystemPlan, name: string): PlanDiff {
  const gone = new Set([name]);
  const rebalanced: BalancerPlan[] = [];
  for (const balancer of plan.balancers) {
    if (!balancer.members.some((m) => gone.has(m))) continue;
    rebalanced.push(balancer);
    gone.add(balancer.name);
  }
  return {
    added: [],
    removed: [],
    resized: [],
    replaced: plan.pools.filter((p) => p.name === name),
    balancersAdded: [],
    balancersRemoved: [],
    rebalanced,
    pipelinesChanged: [],
  };
}

/**
 * The new size when `size` is all that changed and a running pool can take it (`resize(n)` for
 * a fixed size, `resize({ min, max })` for bounds alone); `undefined` when the pool must be
 * replaced.
 */
function resizeOnly(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): Resize['size'] | undefined {
  const rest = (entry: Readonly<Record<string, unknown>>): Record<string, unknown> => {
    const copy = { ...entry };
    delete copy.size;
    return copy;
  };
  if (!same(rest(before), rest(after))) return undefined;
  const a = before.size ?? 1;
  const b = after.size ?? 1;
  if (typeof a === 'number' && typeof b === 'number') return b;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return undefined;
  const { min: aMin, max: aMax, ...aRest } = a as Record<string, unknown>;
  const { min, max, ...bRest } = b as Record<string, unknown>;
  if (!same(aRest, bRest) || (aMin === min && aMax === max)) return undefined;
  return { min: min as number, max: max as number };
}

/** Deep equality of spec data: plain objects and arrays by content, anything else by identity. */
export function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const proto = Object.getPrototypeOf(a) as unknown;
  if (
    proto !== Object.getPrototypeOf(b) ||
    (proto !== Object.prototype && proto !== Array.prototype && proto !== null)
  )
    return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.prototype.hasOwnProperty.call(b, key) &&
      same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
