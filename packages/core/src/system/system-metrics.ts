/**
 * `system.metrics$` behind one seam: every `intervalMs`, the latest metrics of each pool and
 * balancer (read from their own `metrics$`). Totals across members (exact sums, merged
 * histograms) come from `aggregateMetrics` once it lands; this file is where they join.
 */
import { Observable, type Subscription } from 'rxjs';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { TaskSink } from '../sink.js';
import type { Clock } from '../time/clock.js';

/** What `system.metrics$` emits. */
export interface SystemMetrics {
  /** When it was taken (the system's clock). */
  readonly at: number;
  /** Each pool's latest metrics, by name. */
  readonly pools: Readonly<Record<string, PoolMetrics>>;
  /** Each balancer's latest metrics, by name. */
  readonly balancers: Readonly<Record<string, PoolMetrics>>;
}

/** The members whose metrics the stream reads, as they are now (they change on reconfigure). */
export interface MetricsSources {
  pools(): ReadonlyMap<string, TaskSink<unknown, unknown>>;
  balancers(): ReadonlyMap<string, TaskSink<unknown, unknown>>;
}

/** Follows the `metrics$` of the members of one kind, keeping the latest of each. */
class Latest {
  readonly #subscriptions = new Map<TaskSink<unknown, unknown>, Subscription>();
  readonly #values = new Map<TaskSink<unknown, unknown>, PoolMetrics>();

  /** Subscribes to new members, drops those gone; returns the latest by name. */
  read(members: ReadonlyMap<string, TaskSink<unknown, unknown>>): Record<string, PoolMetrics> {
    const now = new Set(members.values());
    for (const [sink, subscription] of this.#subscriptions) {
      if (now.has(sink)) continue;
      subscription.unsubscribe();
      this.#subscriptions.delete(sink);
      this.#values.delete(sink);
    }
    const out: Record<string, PoolMetrics> = {};
    for (const [name, sink] of members) {
      if (!this.#subscriptions.has(sink))
        this.#subscriptions.set(
          sink,
          sink.metrics$.subscribe((metrics) => this.#values.set(sink, metrics)),
        );
      const value = this.#values.get(sink);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  end(): void {
    for (const subscription of this.#subscriptions.values()) subscription.unsubscribe();
    this.#subscriptions.clear();
  }
}

/**
 * The system's metrics stream: one snapshot on subscribe, then every `intervalMs` (a timer per
 * subscriber, none without one). `ended()` says the system is closed: a subscriber then gets the
 * last snapshot and completes; `onEnd` registers how a live subscriber is ended.
 */
export function systemMetrics$(
  sources: MetricsSources,
  clock: Clock,
  intervalMs: number,
  ended: () => boolean,
  onEnd: (end: () => void) => () => void,
): Observable<SystemMetrics> {
  return new Observable<SystemMetrics>((subscriber) => {
    const pools = new Latest();
    const balancers = new Latest();
    const take = (): SystemMetrics => ({
      at: clock.now(),
      pools: pools.read(sources.pools()),
      balancers: balancers.read(sources.balancers()),
    });
    if (ended()) {
      subscriber.next(take());
      pools.end();
      balancers.end();
      subscriber.complete();
      return undefined;
    }
    let handle: unknown;
    const tick = (): void => {
      subscriber.next(take());
      handle = clock.setTimeout(tick, intervalMs);
    };
    const forget = onEnd(() => {
      clock.clearTimeout(handle);
      subscriber.next(take());
      subscriber.complete();
    });
    tick();
    return () => {
      clock.clearTimeout(handle);
      forget();
      pools.end();
      balancers.end();
    };
  });
}
