/**
 * `system.metrics$`: every `intervalMs`, each pool's and balancer's metrics at that moment (the
 * members there are then: reconfigure and replacements change them) and the pools' exact total
 * (`mergeMetrics`: counters summed, histograms merged).
 */
import { Observable } from 'rxjs';
import { mergeMetrics } from '../metrics/merge-metrics.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { TaskSink } from '../sink.js';
import type { Clock } from '../time/clock.js';

/** What `system.metrics$` emits. */
export interface SystemMetrics {
  /** When it was taken (the system's clock). */
  readonly at: number;
  /** Each pool's metrics, by name. */
  readonly pools: Readonly<Record<string, PoolMetrics>>;
  /** Each balancer's metrics, by name. */
  readonly balancers: Readonly<Record<string, PoolMetrics>>;
  /**
   * Every pool's metrics as one (`mergeMetrics`): counters are sums, so the total conserves as
   * each pool does; latency and queue-wait percentiles come from the pools' histograms merged
   * (the percentiles of all their runs, not an average of the pools'). The pools only: a
   * balancer's tasks are its pools' tasks too. The pools there are now: one that left (removed,
   * or replaced) is not in it.
   */
  readonly total: PoolMetrics;
}

/** The members whose metrics the stream reads, as they are now (they change on reconfigure). */
export interface MetricsSources {
  pools(): ReadonlyMap<string, TaskSink<unknown, unknown>>;
  balancers(): ReadonlyMap<string, TaskSink<unknown, unknown>>;
}

/** Each member's metrics now, by name (read from its snapshot: all taken at the same moment). */
function read(
  members: ReadonlyMap<string, TaskSink<unknown, unknown>>,
): Record<string, PoolMetrics> {
  const out: Record<string, PoolMetrics> = {};
  for (const [name, sink] of members) out[name] = sink.getSnapshot().metrics;
  return out;
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
  const take = (): SystemMetrics => {
    const pools = read(sources.pools());
    return {
      at: clock.now(),
      pools,
      balancers: read(sources.balancers()),
      total: mergeMetrics(Object.values(pools)),
    };
  };
  return new Observable<SystemMetrics>((subscriber) => {
    if (ended()) {
      subscriber.next(take());
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
    };
  });
}
