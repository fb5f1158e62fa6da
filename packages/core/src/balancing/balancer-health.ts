import { Subject, type Observable } from 'rxjs';
import type { HealthConfig } from '../health/health-options.js';
import type { HealthTransition } from '../health/watch-health.js';
import type { Clock } from '../time/clock.js';
import { unrefTimers } from '../time/unref-timers.js';
import type { Member } from './member.js';
import { MemberHealth } from './member-health.js';

/** A change of one member's health, with the member's name. */
export interface MemberHealthTransition extends HealthTransition {
  /** The member's name in the balancer (as in its snapshot). */
  readonly member: string;
}

/** Members sampled at most per timer callback: 10,000 members are read in 40 slices, not at once. */
export const SAMPLE_SLICE = 256;

/**
 * A balancer's health checks: one {@link MemberHealth} per member, all fed by one sampler that
 * reads every member's snapshot once per `intervalMs` — in slices of at most
 * {@link SAMPLE_SLICE} members spread over the interval, so that many members never stall the
 * event loop at once. Its timer does not keep the process alive; `stop` clears it and stops every
 * watch.
 */
export class BalancerHealth {
  readonly #transitions = new Subject<MemberHealthTransition>();
  readonly health$: Observable<MemberHealthTransition> = this.#transitions.asObservable();
  readonly #members: readonly Member<unknown, unknown>[];
  readonly #clock: Clock;
  readonly #delayMs: number;
  readonly #slice: number;
  #cursor = 0;
  #timer: unknown;
  #stopped = false;

  constructor(
    config: HealthConfig,
    members: readonly Member<unknown, unknown>[],
    options: { readonly clock: Clock; readonly random: () => number; readonly intervalMs: number },
    changed: (member: Member<unknown, unknown>) => void,
  ) {
    this.#members = members;
    this.#clock = unrefTimers(options.clock);
    const slices = Math.max(1, Math.ceil(members.length / SAMPLE_SLICE));
    this.#slice = Math.ceil(members.length / slices);
    this.#delayMs = options.intervalMs / slices;
    for (const member of members) {
      member.health = new MemberHealth(
        member.sink,
        config,
        options.clock,
        options.random,
        (transition) => {
          this.#transitions.next({ ...transition, member: member.name });
          changed(member);
        },
      );
    }
    this.#timer = this.#clock.setTimeout(this.#sample, this.#delayMs);
  }

  /** A member left for good: its watch stops. */
  leave(member: Member<unknown, unknown>): void {
    member.health?.stop();
  }

  /** Stops sampling and every watch; `health$` completes. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
    for (const member of this.#members) member.health?.stop();
    this.#transitions.complete();
  }

  readonly #sample = (): void => {
    const members = this.#members;
    for (let k = 0; k < this.#slice; k++) {
      const member = members[this.#cursor]!;
      this.#cursor = (this.#cursor + 1) % members.length;
      if (member.left) continue;
      const snapshot = member.refresh();
      if (snapshot !== undefined) member.health?.sample(snapshot.metrics);
    }
    if (!this.#stopped) this.#timer = this.#clock.setTimeout(this.#sample, this.#delayMs);
  };
}
