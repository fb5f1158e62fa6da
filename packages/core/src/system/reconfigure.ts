import type { Actor } from 'xstate';
import { InvalidSystemSpecError, PoolStateError } from '../errors.js';
import { diffPlans, fixedChanges } from './plan-diff.js';
import {
  retireBalancers,
  retirePool,
  running,
  switchBalancers,
  switchPipelines,
  type LeavingPool,
} from './switch-members.js';
import type { SystemEvent, SystemState } from './system-events.js';
import type { systemMachine } from './system-machine.js';
import type { SystemMembers } from './system-members.js';
import type { SystemPlan } from './system-plan.js';
import type { SystemSpec } from './system-spec.js';

/** What `reconfigure` (and the replacement of a lost pool) works on: the system's plan, members and actor. */
export interface Reconfigurable {
  plan: SystemPlan;
  readonly members: SystemMembers;
  readonly actor: Actor<typeof systemMachine>;
  readonly state: SystemState;
  /** Builds the handle of a prepared pool around the actor the system spawned for it. */
  adoptPool(name: string): void;
  /** Tells the system's `events$`. */
  tell(event: SystemEvent): void;
}

/**
 * The new spec with the system's own options it leaves out taken from the running plan: a
 * reconfigure need not repeat the clock, and cannot change it (see `fixedChanges`).
 */
export function keepFixed(spec: SystemSpec, plan: SystemPlan): SystemSpec {
  return {
    ...spec,
    name: spec.name ?? plan.name,
    clock: spec.clock ?? plan.clock,
    random: spec.random ?? plan.random,
    ...(plan.inspect === undefined || spec.inspect !== undefined ? {} : { inspect: plan.inspect }),
    metrics: spec.metrics ?? { intervalMs: plan.metricsIntervalMs },
    supervision: spec.supervision ?? {
      strategy: plan.supervision.strategy,
      maxRestarts: plan.supervision.maxRestarts,
      withinMs: plan.supervision.withinMs,
      resetAfterMs: plan.supervision.resetAfterMs,
      backoff: {
        minMs: plan.supervision.backoff.minMs,
        maxMs: plan.supervision.backoff.maxMs,
        factor: plan.supervision.backoff.factor,
        jitter: plan.supervision.backoff.jitter,
      },
    },
  };
}

/** Throws `InvalidSystemSpecError` when `next` changes what a running system keeps. */
export function checkFixed(current: SystemPlan, next: SystemPlan): void {
  const changed = fixedChanges(current, next);
  if (changed.length > 0)
    throw new InvalidSystemSpecError(
      changed.map((path) => ({
        path,
        message: 'cannot change on a running system (create a new system for it)',
      })),
    );
}

/**
 * Applies `next` to the system, in an order that loses no accepted task: new pools (and
 * replacements) are started and running before anything routes to them; resizes; new and
 * rebuilt balancers and pipelines are switched in by name; then what is left behind drains and
 * closes — old pipelines finish what they hold, old balancers drain (their tasks at members
 * that are still open), and only then are removed and replaced pools drained and closed.
 */
export async function reconfigureSystem(system: Reconfigurable, next: SystemPlan): Promise<void> {
  // Out of the caller's stack (a subscriber inside an actor's update): the system actor must
  // take the events below at once.
  await Promise.resolve();
  const state = system.state;
  if (state !== 'running' && state !== 'stopped')
    throw new PoolStateError('reconfigure', state, `cannot reconfigure a system that is ${state}`);
  const live = state === 'running';
  const diff = diffPlans(system.plan, next, live);
  const { members, actor } = system;
  const leaving: LeavingPool[] = [];
  for (const name of [...diff.removed, ...diff.replaced.map((p) => p.name)]) {
    const member = members.pools.get(name)!;
    leaving.push({ name, id: member.actorId, pool: member.pool });
    members.leavingPools.add(member.pool);
    actor.send({ type: 'pool.removed', name });
    if (diff.removed.includes(name)) members.pools.delete(name);
  }
  const started = [...diff.replaced, ...diff.added];
  for (const plan of started) {
    members.prepare(plan);
    actor.send({ type: 'pool.added', name: plan.name });
    system.adoptPool(plan.name);
    actor.send({ type: 'pool.join', name: plan.name });
  }
  if (live) await Promise.all(started.map((p) => running(members.pools.get(p.name)!.pool)));
  await Promise.all(
    diff.resized.map(({ name, size }) =>
      members.pools
        .get(name)!
        .pool.resize(size)
        .catch(() => undefined),
    ),
  );
  const oldBalancers = switchBalancers(members, next, diff);
  const oldPipelines = switchPipelines(members, next, diff);
  system.plan = next;
  // What was left behind drains, in reverse dependency order.
  for (const pipeline of oldPipelines) pipeline.stop();
  await Promise.all(oldPipelines.map((p) => p.whenIdle()));
  await retireBalancers(members, oldBalancers);
  await Promise.all(leaving.map((pool) => retirePool(members, actor, pool)));
  system.tell({
    type: 'system.reconfigured',
    changes: {
      added: diff.added.map((p) => p.name),
      removed: diff.removed,
      resized: diff.resized.map((r) => r.name),
      replaced: diff.replaced.map((p) => p.name),
      rebalanced: diff.rebalanced.map((b) => b.name),
      balancersAdded: diff.balancersAdded.map((b) => b.name),
      balancersRemoved: diff.balancersRemoved,
      pipelinesChanged: diff.pipelinesChanged,
    },
  });
}
