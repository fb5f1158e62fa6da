/**
 * One balancer on the dashboard: its node (state derived from its members', as its `state$`
 * tells it) and, shown alone, its members as the balancer's snapshot lists them (a balancer does
 * not hand out its pools: their workers are seen by showing their system, or the pool itself).
 */
import type { Subscription } from 'rxjs';
import {
  healthMachine,
  type BalancerMemberSnapshot,
  type BalancerSnapshot,
  type MemberHealthTransition,
  type PoolMetrics,
} from '@troupe/core';
import type { ActorNode } from './actor-tree.js';
import type { DashboardModel } from './dashboard-model.js';
import type { DashboardBalancer } from './dashboard-target.js';
import { healthLine } from './describe-event.js';
import { activeStateIds } from './state-ids.js';

/** A balancer being watched. */
export interface BalancerWatch {
  readonly id: string;
  readonly balancer: DashboardBalancer;
  /** Records a metrics snapshot and reads the balancer's snapshot again. */
  sample(metrics: PoolMetrics): void;
  reparent(parent: string | null): void;
  /** Its members now, as its snapshot lists them. */
  members(): readonly BalancerMemberSnapshot[];
  stop(): void;
}

export function watchBalancer(
  balancer: DashboardBalancer,
  model: DashboardModel,
  options: {
    readonly parent: string | null;
    /** Shown alone: its metrics$ and health$ are read here, its members drawn as its snapshot has them. */
    readonly alone: boolean;
  },
): BalancerWatch {
  const id = `balancer:${balancer.name}`;
  let parent = options.parent;
  let lastState: string | undefined;

  const refresh = (): BalancerSnapshot => {
    const snapshot = balancer.getSnapshot();
    const { metrics } = snapshot;
    const available = snapshot.members.filter((member) => member.available).length;
    model.tree.set({
      id,
      parent,
      kind: 'balancer',
      name: balancer.name,
      state: snapshot.state,
      detail: [
        `${snapshot.members.length} members (${available} available)`,
        `size ${snapshot.size}`,
        `${metrics.active} running`,
        `${metrics.queued + metrics.waiting} held`,
      ].join(' · '),
      machines: {},
      controls: [],
    });
    if (options.alone) model.tree.setChildren(id, 'member', memberNodes(id, snapshot));
    return snapshot;
  };

  const subscriptions: Subscription[] = [];
  refresh();
  subscriptions.push(
    balancer.state$.subscribe((state) => {
      if (state !== lastState) {
        lastState = state;
        const level = state === 'failed' ? 'error' : 'info';
        model.log.add({ source: id, kind: 'balancer.state', text: `state ${state}`, level });
      }
      refresh();
    }),
  );
  const sample = (metrics: PoolMetrics): void => {
    model.series.push(id, metrics);
    refresh();
  };
  if (options.alone) {
    subscriptions.push(
      balancer.metrics$.subscribe(sample),
      balancer.health$.subscribe((transition: MemberHealthTransition) => {
        model.log.add(
          healthLine(`member:${balancer.name}/${transition.member}`, balancer.name, transition),
        );
        refresh();
      }),
    );
  }

  return {
    id,
    balancer,
    sample,
    reparent(next) {
      if (next === parent) return;
      parent = next;
      model.tree.update(id, { parent });
    },
    members: () => balancer.getSnapshot().members,
    stop() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      subscriptions.length = 0;
    },
  };
}

function memberNodes(parent: string, snapshot: BalancerSnapshot): ActorNode[] {
  return snapshot.members.map((member) => ({
    id: `member:${snapshot.name}/${member.name}`,
    parent,
    kind: 'member',
    name: member.name,
    state: member.state,
    detail: [
      member.available ? 'available' : 'not offered tasks',
      `${member.inFlight} in flight`,
      ...(member.health === undefined ? [] : [member.health]),
    ].join(' · '),
    machines:
      member.health === undefined ? {} : { health: activeStateIds(healthMachine, member.health) },
    controls: [],
  }));
}
