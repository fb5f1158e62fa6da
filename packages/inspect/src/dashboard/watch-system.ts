/**
 * A whole system on the dashboard: its node, and a pool or balancer watch for each member,
 * placed under the first balancer that routes to it (else under the system). Fed by the
 * system's `state$`, `events$`, `health$` and `metrics$` (which also brings each member's
 * metrics); members are looked up again at each metrics tick and after a reconfiguration, so
 * pools added, removed or replaced follow.
 */
import type { Subscription } from 'rxjs';
import {
  systemMachine,
  type HealthState,
  type SystemHealthTransition,
  type SystemMetrics,
} from '@troupe/core';
import { SYSTEM_POOL_ACTIONS } from './control-actions.js';
import type { DashboardModel } from './dashboard-model.js';
import type { DashboardPool, DashboardSystem } from './dashboard-target.js';
import { healthLine, systemEventLine } from './describe-event.js';
import { activeStateIds } from './state-ids.js';
import { watchBalancer, type BalancerWatch } from './watch-balancer.js';
import { watchPool, type PoolWatch } from './watch-pool.js';

/** A system being watched. */
export interface SystemWatch {
  /** The pool `name` of the system now, if it has one. */
  pool(name: string): DashboardPool | undefined;
  stop(): void;
}

export function watchSystem(system: DashboardSystem, model: DashboardModel): SystemWatch {
  const id = `system:${system.name}`;
  const pools = new Map<string, PoolWatch>();
  const balancers = new Map<string, BalancerWatch>();
  let stopped = false;

  const setNode = (state: string): void =>
    model.tree.set({
      id,
      parent: null,
      kind: 'system',
      name: system.name,
      state,
      detail: `${pools.size} pools · ${balancers.size} balancers`,
      machines: { system: activeStateIds(systemMachine, state) },
      controls: [],
    });

  /** Reads the members again: new ones watched, gone or replaced ones dropped, parents placed. */
  const sync = (): void => {
    if (stopped) return;
    const snapshot = system.getSnapshot();
    const poolNames = Object.keys(snapshot.pools);
    const balancerNames = Object.keys(snapshot.balancers);
    for (const [name, watch] of balancers) {
      if (balancerNames.includes(name) && handle(() => system.balancer(name)) === watch.balancer)
        continue;
      watch.stop();
      balancers.delete(name);
      if (!balancerNames.includes(name)) model.forget(watch.id);
    }
    for (const name of balancerNames) {
      if (balancers.has(name)) continue;
      const balancer = handle(() => system.balancer(name));
      if (balancer !== undefined)
        balancers.set(name, watchBalancer(balancer, model, { parent: id, alone: false }));
    }
    // Each member under the first balancer (in declaration order) that lists it.
    const parents = new Map<string, string>();
    const health = new Map<string, Map<string, HealthState>>();
    for (const [name, watch] of balancers) {
      for (const member of watch.members()) {
        if (!parents.has(member.name)) parents.set(member.name, `balancer:${name}`);
        if (member.health === undefined) continue;
        const of = health.get(member.name) ?? new Map<string, HealthState>();
        health.set(member.name, of.set(name, member.health));
      }
    }
    for (const [name, watch] of balancers) watch.reparent(parents.get(name) ?? id);
    for (const [name, watch] of pools) {
      if (poolNames.includes(name) && handle(() => system.pool(name)) === watch.pool) continue;
      watch.stop();
      pools.delete(name);
      if (!poolNames.includes(name)) model.forget(watch.id);
    }
    for (const name of poolNames) {
      const existing = pools.get(name);
      if (existing !== undefined) {
        existing.reparent(parents.get(name) ?? id);
        continue;
      }
      const pool = handle(() => system.pool(name));
      if (pool !== undefined)
        pools.set(
          name,
          watchPool(pool, model, {
            parent: parents.get(name) ?? id,
            ownMetrics: false,
            actions: SYSTEM_POOL_ACTIONS,
          }),
        );
    }
    for (const [name, watch] of pools) watch.health(health.get(name) ?? new Map());
    setNode(snapshot.state);
  };

  const subscriptions: Subscription[] = [];
  setNode(system.getSnapshot().state);
  sync();
  subscriptions.push(
    system.state$.subscribe((state) => {
      setNode(state);
      sync();
    }),
    system.events$.subscribe((event) => {
      const line = systemEventLine(id, event);
      if (line !== undefined) model.log.add(line);
      if (event.type === 'system.reconfigured' || event.type === 'pool.restarted') sync();
    }),
    system.health$.subscribe((transition: SystemHealthTransition) => {
      const member = transition.member;
      const source = pools.has(member) ? `pool:${member}` : `balancer:${member}`;
      model.log.add(healthLine(source, transition.balancer, transition));
      sync();
    }),
    system.metrics$.subscribe((metrics: SystemMetrics) => {
      sync();
      for (const [name, figures] of Object.entries(metrics.pools)) pools.get(name)?.sample(figures);
      for (const [name, figures] of Object.entries(metrics.balancers))
        balancers.get(name)?.sample(figures);
    }),
  );

  return {
    pool: (name) => pools.get(name)?.pool,
    stop() {
      stopped = true;
      for (const subscription of subscriptions) subscription.unsubscribe();
      for (const watch of pools.values()) watch.stop();
      for (const watch of balancers.values()) watch.stop();
    },
  };
}

/** A member's handle, or `undefined` when the system no longer has it (a lookup throws `RangeError`). */
function handle<T>(lookup: () => T): T | undefined {
  try {
    return lookup();
  } catch {
    return undefined;
  }
}
