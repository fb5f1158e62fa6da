import type { Observable } from 'rxjs';
import type { HealthState } from '../health/health-machine.js';
import type { PoolState } from '../pool/pool-events.js';
import type { SinkSnapshot, TaskSink } from '../sink.js';
import type { MemberHealthTransition } from './balancer-health.js';

/** One member in a balancer's snapshot. */
export interface BalancerMemberSnapshot {
  readonly name: string;
  readonly state: PoolState;
  /**
   * Whether it is offered tasks now: running, not kept out by its health (unhealthy, or every
   * probe task out), `isAvailable` says yes, its queue did not just refuse one.
   */
  readonly available: boolean;
  /** Tasks routed to it that have not settled. */
  readonly inFlight: number;
  /** Its health, when the balancer has `health` on. */
  readonly health?: HealthState;
}

/** A balancer at one moment. */
export interface BalancerSnapshot extends SinkSnapshot {
  readonly name: string;
  /** The members' sizes added up (members closed for good left out). */
  readonly size: number;
  readonly members: readonly BalancerMemberSnapshot[];
}

/** Routes tasks over several sinks; a sink itself, so it goes wherever a pool goes, another balancer included. */
export interface Balancer<TInput, TOutput> extends TaskSink<TInput, TOutput> {
  getSnapshot(): BalancerSnapshot;
  /** Tasks held by the balancer itself: queued while no member can take them, or waiting for room. */
  readonly queueSize: number;
  /**
   * Every change of a member's health, with the member's name and the reason (with `health` on;
   * nothing without). Completes when the balancer is closed.
   */
  readonly health$: Observable<MemberHealthTransition>;
  /** Offers held tasks to the members again now: call it when what `isAvailable` reads has changed. */
  recheck(): void;
}
