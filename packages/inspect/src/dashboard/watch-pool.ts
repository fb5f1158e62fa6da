/**
 * One pool on the dashboard: its node and its workers' from its snapshot, its events in the log,
 * its metrics in the series. Fed by the pool's `state$` and `events$` (and `metrics$` when it
 * is shown alone; in a system, the system's `metrics$` calls `sample`).
 */
import type { Subscription } from 'rxjs';
import type { StateValue } from 'xstate';
import {
  poolMachine,
  workerMachine,
  healthMachine,
  type HealthState,
  type PoolMetrics,
  type PoolSnapshot,
} from '@troupe/core';
import type { ActorNode } from './actor-tree.js';
import type { Action } from './control-actions.js';
import type { DashboardModel } from './dashboard-model.js';
import type { DashboardPool } from './dashboard-target.js';
import { poolEventLine } from './describe-event.js';
import { activeStateIds } from './state-ids.js';

/** A pool being watched. */
export interface PoolWatch {
  readonly id: string;
  readonly pool: DashboardPool;
  /** Records a metrics snapshot and reads the workers again. */
  sample(metrics: PoolMetrics): void;
  /** Moves the node under another parent. */
  reparent(parent: string | null): void;
  /** Its health in each balancer that checks it, by balancer name. */
  health(states: ReadonlyMap<string, HealthState>): void;
  /** Unsubscribes from the pool's streams; the node stays as it was. */
  stop(): void;
}

export function watchPool(
  pool: DashboardPool,
  model: DashboardModel,
  options: {
    readonly parent: string | null;
    readonly ownMetrics: boolean;
    /** What the page's controls may do to it. */
    readonly actions: readonly Action[];
  },
): PoolWatch {
  const id = `pool:${pool.name}`;
  let parent = options.parent;
  let health: ReadonlyMap<string, HealthState> = new Map();
  let lastState: string | undefined;

  const refresh = (): void => {
    const snapshot = pool.getSnapshot();
    const machines: Record<string, string[]> = {
      pool: activeStateIds(poolMachine, poolValue(pool, snapshot)),
    };
    const first = health.values().next();
    if (first.done !== true) machines['health'] = activeStateIds(healthMachine, first.value);
    model.tree.set({
      id,
      parent,
      kind: 'pool',
      name: pool.name,
      state: snapshot.state,
      detail: poolDetail(snapshot, health),
      machines,
      controls: options.actions,
    });
    model.tree.setChildren(
      id,
      'worker',
      snapshot.workers.map((worker): ActorNode => ({
        id: `worker:${pool.name}/${worker.id}`,
        parent: id,
        kind: 'worker',
        name: worker.id,
        state: worker.state,
        detail: `${worker.tasksDone} task${worker.tasksDone === 1 ? '' : 's'}`,
        machines: { worker: activeStateIds(workerMachine, worker.state) },
        controls: [],
      })),
    );
  };

  // Workers starting or stopping together tell one event each: one snapshot for the lot.
  let pending = false;
  let stopped = false;
  const soon = (): void => {
    if (pending || stopped) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      if (!stopped) refresh();
    });
  };

  const subscriptions: Subscription[] = [];
  refresh();
  subscriptions.push(
    pool.state$.subscribe((state) => {
      if (state !== lastState) {
        lastState = state;
        const level = state === 'failed' ? 'error' : 'info';
        model.log.add({ source: id, kind: 'pool.state', text: `state ${state}`, level });
      }
      refresh();
    }),
    pool.events$.subscribe((event) => {
      const line = poolEventLine(id, event);
      if (line !== undefined) model.log.add(line);
      // Per-task events (refusals, timeouts) change no node: no snapshot for them.
      if (!event.type.startsWith('task.')) soon();
    }),
  );
  const sample = (metrics: PoolMetrics): void => {
    model.series.push(id, metrics);
    refresh();
  };
  if (options.ownMetrics) subscriptions.push(pool.metrics$.subscribe(sample));

  return {
    id,
    pool,
    sample,
    reparent(next) {
      if (next === parent) return;
      parent = next;
      model.tree.update(id, { parent });
    },
    health(states) {
      if (JSON.stringify([...states]) === JSON.stringify([...health])) return;
      health = states;
      refresh();
    },
    stop() {
      stopped = true;
      for (const subscription of subscriptions) subscription.unsubscribe();
      subscriptions.length = 0;
    },
  };
}

/** The pool actor's state value (nested states included), or the snapshot's top-level state. */
function poolValue(pool: DashboardPool, snapshot: PoolSnapshot): StateValue {
  try {
    return pool.actor.getSnapshot().value;
  } catch {
    return snapshot.state;
  }
}

function poolDetail(snapshot: PoolSnapshot, health: ReadonlyMap<string, HealthState>): string {
  const { metrics, size, bounds } = snapshot;
  const parts = [
    bounds === undefined ? `size ${size}` : `size ${size} (${bounds.min}–${bounds.max})`,
    `${metrics.workers} ready`,
    `${metrics.active} running`,
    `${metrics.queued + metrics.waiting} queued`,
  ];
  if (snapshot.paused) parts.push('paused');
  for (const [balancer, state] of health) parts.push(`${state} in ${balancer}`);
  return parts.join(' · ');
}
