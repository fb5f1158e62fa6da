/**
 * The replacement of a pool closed through its own handle (`system.pool(x).close()`): a closed
 * pool cannot start again, so the system makes a new one from the same spec, in the lost one's
 * supervisor seat, and switches to it as `reconfigure` switches to a replaced pool.
 */
import { replacementDiff } from './plan-diff.js';
import type { Reconfigurable } from './reconfigure.js';
import { retireBalancers, retirePool, running, switchBalancers } from './switch-members.js';

/**
 * Replaces lost pool `name`: the new pool is prepared, its actor spawned in place of the old
 * one's (`pool.respawn`), its handle built — `system.pool(name)` returns it from then on — and it
 * joins (`pool.join`: started when the system is starting or running). Once it runs, every
 * balancer over it (directly or through other balancers) is rebuilt over it and the old ones
 * drain; pipelines find their stages by name and follow at once. The old pool finishes its own
 * close, then its actor stops. Does nothing when the pool is no longer lost, or the system is
 * closing or failed by then (the close closes what there is). Resolves once the balancers are
 * switched — what waited for the replacement (`members.replacements`) goes on then; what drains
 * after that is not waited for.
 */
export async function replacePool(system: Reconfigurable, name: string): Promise<void> {
  const { members, actor } = system;
  try {
    await replace(system, name);
  } finally {
    // Whoever waits for it tries again now; lost again meanwhile, it is pending again.
    members.replacements.end(name);
    if (replacing(system)) members.replacements.follow(actor.getSnapshot().context.lost);
  }
}

async function replace(system: Reconfigurable, name: string): Promise<void> {
  // Out of the system actor's stack: it must take the events below at once.
  await Promise.resolve();
  const { members, actor } = system;
  if (!replacing(system) || !actor.getSnapshot().context.lost.includes(name)) return;
  const plan = system.plan.pools.find((p) => p.name === name);
  const old = members.pools.get(name);
  if (plan === undefined || old === undefined) return;
  members.leavingPools.add(old.pool);
  members.prepare(plan);
  actor.send({ type: 'pool.respawn', name });
  system.adoptPool(name);
  actor.send({ type: 'pool.join', name });
  void retirePool(members, actor, { name, id: old.actorId, pool: old.pool });
  const fresh = members.pools.get(name)!.pool;
  if (system.state !== 'stopped') await running(fresh);
  // A system closing or failed meanwhile closes the balancers it has: none is built now.
  if (!replacing(system)) return;
  const oldBalancers = switchBalancers(members, system.plan, replacementDiff(system.plan, name));
  void retireBalancers(members, oldBalancers).catch(() => undefined);
}

/** Whether the system is in a state that replaces lost pools (not closing, closed or failed). */
function replacing(system: Reconfigurable): boolean {
  const { status, context } = system.actor.getSnapshot();
  const state = system.state;
  return (
    status === 'active' &&
    !context.closed &&
    (state === 'stopped' || state === 'starting' || state === 'running')
  );
}
