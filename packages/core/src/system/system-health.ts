/**
 * The health of a system balancer's members, behind one seam: a `watchHealth` per member, its
 * verdict the balancer's `isAvailable`, its transitions on `system.health$` tagged with the
 * balancer and the member. When `createBalancer` takes a `health` option of its own, this file
 * hands the entry's `health` to it and forwards its transitions instead.
 */
import type { Subject } from 'rxjs';
import type { MemberView } from '../balancing/strategy.js';
import type { HealthOptions } from '../health/health-options.js';
import { watchHealth, type HealthTransition, type HealthWatch } from '../health/watch-health.js';
import type { TaskSink } from '../sink.js';
import type { Clock } from '../time/clock.js';

/** A change of health of one balancer member, as `system.health$` tells it. */
export interface MemberHealthTransition extends HealthTransition {
  /** The balancer the member belongs to. */
  readonly balancer: string;
  /** The member (a pool or a balancer), by name. */
  readonly member: string;
}

/** A balancer's member health: what it routes by, and its watches to stop. */
export interface BalancerHealth {
  /** For `createBalancer({ isAvailable })`; `undefined` without health options. */
  readonly isAvailable: ((member: MemberView, index: number) => boolean) | undefined;
  /** Calls `recheck` whenever a member may have become available again. */
  follow(recheck: () => void): void;
  /** Stops every watch. Idempotent. */
  stop(): void;
}

/**
 * Starts a health watch on each member of balancer `balancer` (with `health`'s thresholds, on
 * the system's clock); every transition goes to `out`. Without `health`, nothing is watched.
 */
export function watchMembers(
  balancer: string,
  members: readonly { readonly name: string; readonly sink: TaskSink<unknown, unknown> }[],
  health: HealthOptions | undefined,
  clock: Clock,
  out: Subject<MemberHealthTransition>,
): BalancerHealth {
  if (health === undefined) return { isAvailable: undefined, follow: () => {}, stop: () => {} };
  const watches: HealthWatch[] = members.map(({ sink }) => watchHealth(sink, { ...health, clock }));
  let recheck: (() => void) | undefined;
  const subscriptions = watches.map((watch, i) =>
    watch.health$.subscribe((transition) => {
      out.next({ ...transition, balancer, member: members[i]!.name });
      if (transition.to !== 'unhealthy') recheck?.();
    }),
  );
  return {
    isAvailable: (_member, index) => watches[index]?.admits() ?? true,
    follow(callback) {
      recheck = callback;
    },
    stop() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      for (const watch of watches) watch.stop();
    },
  };
}
