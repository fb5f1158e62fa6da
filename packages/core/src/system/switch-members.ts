/**
 * Switching members by name while tasks flow, for `reconfigure` and for the replacement of a
 * pool closed through its own handle: balancers and pipelines built anew (the old ones kept to
 * drain), old balancers drained and closed, and the wait for a new pool to run.
 */
import type { Actor } from 'xstate';
import type { Balancer } from '../balancing/balancer.js';
import type { Pool } from '../pool/pool.js';
import type { PlanDiff } from './plan-diff.js';
import type { SystemMembers } from './system-members.js';
import type { systemMachine } from './system-machine.js';
import type { PipelineHandle } from './system-pipelines.js';
import type { SystemPlan } from './system-plan.js';

/** A balancer switched out, still draining, and how to stop forwarding its health. */
export interface OldBalancer {
  readonly balancer: Balancer<unknown, unknown>;
  readonly stop: () => void;
}

/**
 * Builds new and rebuilt balancers (in dependency order) over the members there are now;
 * `system.balancer(name)` returns the new one at once. Returns the ones left behind.
 */
export function switchBalancers(
  members: SystemMembers,
  next: SystemPlan,
  diff: Pick<PlanDiff, 'balancersRemoved' | 'rebalanced' | 'balancersAdded'>,
): OldBalancer[] {
  const old: OldBalancer[] = [];
  for (const name of [...diff.balancersRemoved, ...diff.rebalanced.map((b) => b.name)]) {
    const member = members.balancers.get(name);
    if (member === undefined) continue;
    old.push({ balancer: member.balancer, stop: () => member.health.unsubscribe() });
    members.leavingBalancers.add(member.balancer);
    members.balancers.delete(name);
  }
  const building = new Set([...diff.rebalanced, ...diff.balancersAdded].map((b) => b.name));
  for (const plan of next.balancers) if (building.has(plan.name)) members.buildBalancer(plan);
  return old;
}

/**
 * Drains and closes the balancers left behind, outer ones first (the reverse of the order they
 * were switched in): what each holds and has routed finishes on its old members.
 */
export async function retireBalancers(
  members: SystemMembers,
  old: readonly OldBalancer[],
): Promise<void> {
  for (const { balancer, stop } of [...old].reverse()) {
    await balancer.close();
    stop();
    members.leavingBalancers.delete(balancer);
  }
}

/** Builds new and changed pipelines; returns the ones left behind. */
export function switchPipelines(
  members: SystemMembers,
  next: SystemPlan,
  diff: Pick<PlanDiff, 'pipelinesChanged'>,
): PipelineHandle[] {
  const old: PipelineHandle[] = [];
  for (const name of diff.pipelinesChanged) {
    const pipeline = members.pipelines.get(name);
    if (pipeline !== undefined) old.push(pipeline);
    members.pipelines.delete(name);
    const plan = next.pipelines.find((p) => p.name === name);
    if (plan !== undefined) members.buildPipeline(plan.name, plan.stages);
  }
  return old;
}

/** A pool removed or replaced, draining: its name, its actor's id, its handle. */
export interface LeavingPool {
  readonly name: string;
  readonly id: string;
  readonly pool: Pool<unknown, unknown>;
}

/** Waits for a pool that left the system to be closed (closing it if it is not), then stops its actor. */
export async function retirePool(
  members: SystemMembers,
  actor: Actor<typeof systemMachine>,
  { name, id, pool }: LeavingPool,
): Promise<void> {
  await pool.close().catch(() => undefined);
  members.leavingPools.delete(pool);
  // The system may have closed meanwhile (its actor stopped with every pool's).
  if (actor.getSnapshot().status === 'active') actor.send({ type: 'pool.gone', name, id });
}

/** Resolves once `pool` is running, or has left starting otherwise (its supervision decides). */
export function running(pool: Pool<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const subscription = pool.state$.subscribe({
      next: (state) => {
        if (state === 'starting' || state === 'stopped') return;
        resolve();
        queueMicrotask(() => subscription.unsubscribe());
      },
      complete: resolve,
    });
  });
}
