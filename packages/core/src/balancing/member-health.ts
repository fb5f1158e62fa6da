import { Subject } from 'rxjs';
import type { HealthState } from '../health/health-machine.js';
import type { HealthConfig } from '../health/health-options.js';
import {
  watchResolved,
  type HealthSource,
  type HealthTransition,
  type HealthWatch,
} from '../health/watch-health.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { TaskSink } from '../sink.js';
import type { Clock } from '../time/clock.js';

/** Up to 2 decimals, without trailing zeros. */
const share = (n: number): string => String(Number(n.toFixed(2)));

/**
 * One member's health as its balancer routes by it: a `watchHealth` over the member, fed the
 * snapshots the balancer samples (not a timer of its own per member), and the two flags the
 * balancer's choice reads without asking the watch each time:
 *
 * - `blocked`: out of the offered members — `unhealthy`, or `probing` with every probe task out;
 * - `gated`: offered, but each task chosen for it asks `admits()` first — `probing` (a probe slot
 *   each) or a share of traffic under 1 (slow start). A member back at full traffic is ungated the
 *   first time it is asked.
 */
export class MemberHealth {
  state: HealthState = 'healthy';
  /** The reason of its last transition. */
  reason = '';
  blocked = false;
  gated = false;
  readonly #feed = new Subject<PoolMetrics>();
  readonly #watch: HealthWatch;
  readonly #probeTasks: number;

  constructor(
    sink: TaskSink<unknown, unknown>,
    config: HealthConfig,
    clock: Clock,
    random: () => number,
    changed: (transition: HealthTransition) => void,
  ) {
    const feed = this.#feed;
    const source: HealthSource = {
      metrics$: feed.asObservable(),
      results$: sink.results$,
      get capacity() {
        return sink.capacity;
      },
    };
    this.#probeTasks = config.probeTasks;
    this.#watch = watchResolved(source, config, clock, random);
    this.#watch.health$.subscribe((transition) => {
      const { to } = transition;
      this.state = to;
      this.reason = transition.reason;
      this.blocked = to === 'unhealthy';
      // Probing hands out probe slots; healthy or degraded may be ramping up: ask, and see.
      this.gated = to !== 'unhealthy';
      changed(transition);
    });
  }

  /** A snapshot of the member's metrics, sampled by the balancer: the watch judges windows of them. */
  sample(metrics: PoolMetrics): void {
    this.#feed.next(metrics);
  }

  /**
   * Whether a task chosen for the member may go (for a `gated` one): a probe slot while probing
   * (none left: it becomes `blocked`), a draw under the slow-start share while ramping up.
   */
  admits(): boolean {
    const watch = this.#watch;
    if (watch.admits()) {
      if (this.state !== 'probing' && watch.admitFraction >= 1) this.gated = false;
      return true;
    }
    if (this.state === 'probing') this.blocked = true;
    return false;
  }

  /** What keeps it from taking a task, for a refusal's message; `undefined`: nothing now. */
  why(): string | undefined {
    if (this.state === 'unhealthy') return `is unhealthy (${this.reason})`;
    if (this.state === 'probing')
      return this.blocked
        ? `is probing (its ${this.#probeTasks} probe tasks are out)`
        : 'is probing (a probe task may go)';
    const fraction = this.#watch.admitFraction;
    if (fraction < 1) return `is ramping up after recovering (${share(fraction)} of traffic)`;
    return undefined;
  }

  /** Stops the watch: its timers and `health$`. */
  stop(): void {
    this.#feed.complete();
    this.#watch.stop();
  }
}
