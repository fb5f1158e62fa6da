import type { InspectionEvent, Observer } from 'xstate';
import { InvalidSystemSpecError } from '../errors.js';
import type { PoolOptions } from '../pool/options.js';
import type { Clock } from '../time/clock.js';
import { resolveClock } from '../time/resolve-clock.js';
import type { BalancerEntry, SystemSpec } from './system-spec.js';
import { resolveSystemSupervision, type SystemSupervisionConfig } from './system-supervision.js';
import { validateSpec } from './validate-spec.js';

/** One pool as the system builds it: `createPool`'s options, named and on the system's clock. */
export interface PoolPlan {
  readonly name: string;
  /** What the spec gave (compared by `reconfigure`). */
  readonly entry: Readonly<Record<string, unknown>>;
  readonly options: PoolOptions<unknown, unknown, unknown>;
}

/** One balancer as the system builds it. */
export interface BalancerPlan {
  readonly name: string;
  readonly entry: BalancerEntry;
  /** Its members' names, in the entry's order. */
  readonly members: readonly string[];
  /** `createBalancer`'s options (`health` too) but `name`, `pools`, `clock` (the system gives those). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A valid spec, normalized: what the system builds, in the order it builds it. */
export interface SystemPlan {
  readonly name: string;
  /** In declaration order. */
  readonly pools: readonly PoolPlan[];
  /** In dependency order: a balancer after every balancer among its members. */
  readonly balancers: readonly BalancerPlan[];
  readonly pipelines: readonly { readonly name: string; readonly stages: readonly string[] }[];
  readonly supervision: SystemSupervisionConfig;
  readonly clock: Clock;
  readonly inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined;
  readonly random: () => number;
  readonly metricsIntervalMs: number;
}

/** Validates `spec` as a whole (throws `InvalidSystemSpecError` with every problem) and plans it. */
export function planSystem(spec: SystemSpec): SystemPlan {
  const problems = validateSpec(spec);
  if (problems.length > 0) throw new InvalidSystemSpecError(problems);
  const clock = resolveClock(spec.clock);
  const pools = Object.entries(spec.pools).map(([name, entry]) => ({
    name,
    entry: entry as Readonly<Record<string, unknown>>,
    // The system's inspect reaches a pool's autoscaler too (its actor is a root of its own).
    options: {
      ...entry,
      name,
      clock,
      ...(spec.inspect === undefined ? {} : { inspect: spec.inspect }),
    } as PoolOptions<unknown, unknown, unknown>,
  }));
  const balancers = Object.entries(spec.balancers ?? {}).map(([name, entry]) => {
    const { pools: members, ...options } = entry;
    return { name, entry, members, options };
  });
  return {
    name: spec.name ?? 'system',
    pools,
    balancers: inDependencyOrder(balancers),
    pipelines: Object.entries(spec.pipelines ?? {}).map(([name, stages]) => ({ name, stages })),
    supervision: resolveSystemSupervision(spec.supervision),
    clock,
    inspect: spec.inspect,
    random: spec.random ?? Math.random,
    metricsIntervalMs: spec.metrics?.intervalMs ?? 1_000,
  };
}

/** Balancers ordered so that each comes after the balancers among its members (no cycle: validated). */
function inDependencyOrder(balancers: readonly BalancerPlan[]): BalancerPlan[] {
  const byName = new Map(balancers.map((b) => [b.name, b]));
  const ordered: BalancerPlan[] = [];
  const placed = new Set<string>();
  const place = (plan: BalancerPlan): void => {
    if (placed.has(plan.name)) return;
    placed.add(plan.name);
    for (const member of plan.members) {
      const inner = byName.get(member);
      if (inner !== undefined) place(inner);
    }
    ordered.push(plan);
  };
  for (const plan of balancers) place(plan);
  return ordered;
}
