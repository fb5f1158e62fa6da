/**
 * The health of a system's balancer members: each balancer checks its members itself (its
 * `health` option); the system tags every transition of every balancer with the balancer's
 * name, for `system.health$`.
 */
import type { Subject, Subscription } from 'rxjs';
import type { MemberHealthTransition } from '../balancing/balancer-health.js';
import type { Balancer } from '../balancing/balancer.js';

/** A change of health of one balancer member, as `system.health$` tells it. */
export interface SystemHealthTransition extends MemberHealthTransition {
  /** The balancer the member belongs to. */
  readonly balancer: string;
}

/** Tells `out` each health transition of `balancer`'s members, tagged with its `name`. */
export function forwardHealth(
  name: string,
  balancer: Pick<Balancer<unknown, unknown>, 'health$'>,
  out: Subject<SystemHealthTransition>,
): Subscription {
  return balancer.health$.subscribe((transition) => out.next({ ...transition, balancer: name }));
}
