/**
 * `aggregateMetrics`: many pools' (and balancers') `metrics$` as one stream of exact totals and
 * the per-member figures they were made from.
 */
import { isObservable, Observable, type Subscription } from 'rxjs';
import { InvalidOptionError } from '../errors.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import type { Clock } from '../time/clock.js';
import { resolveClock } from '../time/resolve-clock.js';
import { mergeMetrics } from './merge-metrics.js';
import type { PoolMetrics } from './metrics.js';

/** What `aggregateMetrics` reads: a sink (its `metrics$`: a pool, a balancer) or any stream of metrics. */
export type MetricsSource =
  { readonly metrics$: Observable<PoolMetrics> } | Observable<PoolMetrics>;

/** One emission of `aggregateMetrics`. */
export interface AggregatedMetrics {
  /** Clock time of this emission (ms). */
  readonly at: number;
  /** The members named in `total` (all by default) as one: see `mergeMetrics`. */
  readonly total: PoolMetrics;
  /** Each member's latest snapshot, by its name in the sources; a member that has not reported yet is absent. */
  readonly members: Readonly<Record<string, PoolMetrics>>;
}

/** How `aggregateMetrics` emits. */
export interface AggregateMetricsOptions {
  /**
   * At most one emission per `intervalMs`: members' snapshots arriving in between are taken
   * together in one emission at the end of the interval (each member's latest). `0` emits on
   * every member snapshot.
   * @default 1_000
   */
  readonly intervalMs?: number;
  /**
   * The names of the sources added into `total`. A balancer's tasks are also its pools' tasks:
   * list the pools, or the balancers, not both, or the total counts tasks twice.
   * @default every source
   */
  readonly total?: readonly string[];
  /**
   * Timers and `at` (`createVirtualClock()` in tests).
   * @default systemClock
   */
  readonly clock?: Clock;
}

/**
 * Streams the members' metrics and their exact total: `{ at, total, members }`. It subscribes
 * to each source's `metrics$` (or the source itself, an Observable of `PoolMetrics`) and emits
 * once every member has reported, then whenever one reports again, at most once per
 * `intervalMs`. Counters in `total` are sums; its latency and queue-wait percentiles come from
 * the members' histograms merged (`mergeMetrics`), not averaged. It completes (after a last
 * emission, when something changed since the one before) when every source has completed — a
 * pool's `metrics$` does once the pool is closed; a source's error is passed on at once.
 *
 * @example
 * aggregateMetrics({ fetch: fetchPool, store: storePool }).subscribe(({ total, members }) =>
 *   console.log(total.completed, total.latency.p99, members.fetch?.queued));
 */
export function aggregateMetrics(
  sources: Readonly<Record<string, MetricsSource>>,
  options: AggregateMetricsOptions = {},
): Observable<AggregatedMetrics> {
  const streams = resolveSources(sources);
  const { intervalMs, clock, total } = resolveOptions(options, Object.keys(streams));
  const inTotal = new Set(total);
  return new Observable<AggregatedMetrics>((subscriber) => {
    const latest = new Map<string, PoolMetrics>();
    /** Members not heard from yet (and not completed): the first emission waits for them. */
    const unheard = new Set(Object.keys(streams));
    let open = unheard.size;
    let changed = false;
    let lastEmit = -Infinity;
    let timer: unknown;
    let timerSet = false;

    const emit = (): void => {
      timerSet = false;
      changed = false;
      const now = clock.now();
      lastEmit = now;
      const members: Record<string, PoolMetrics> = {};
      const counted: PoolMetrics[] = [];
      for (const [name, metrics] of latest) {
        members[name] = metrics;
        if (inTotal.has(name)) counted.push(metrics);
      }
      subscriber.next({ at: now, total: mergeMetrics(counted), members });
    };
    const schedule = (): void => {
      if (!changed || unheard.size > 0 || timerSet) return;
      const wait = lastEmit + intervalMs - clock.now();
      if (wait <= 0) return emit();
      timerSet = true;
      timer = clock.setTimeout(emit, wait);
    };
    const ended = (name: string): void => {
      unheard.delete(name);
      if (--open > 0) return schedule();
      if (timerSet) clock.clearTimeout(timer);
      if (changed) emit();
      subscriber.complete();
    };

    const subscriptions: Subscription[] = [];
    if (open === 0) subscriber.complete();
    for (const [name, stream] of Object.entries(streams)) {
      if (subscriber.closed) break;
      subscriptions.push(
        stream.subscribe({
          next: (metrics) => {
            latest.set(name, metrics);
            unheard.delete(name);
            changed = true;
            schedule();
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => ended(name),
        }),
      );
    }
    return () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
      if (timerSet) clock.clearTimeout(timer);
      timerSet = false;
    };
  });
}

function resolveSources(
  sources: Readonly<Record<string, MetricsSource>>,
): Record<string, Observable<PoolMetrics>> {
  if (typeof sources !== 'object' || sources === null || Array.isArray(sources)) {
    throw new InvalidOptionError(
      'sources',
      sources,
      'a record of name → pool, balancer or Observable of PoolMetrics',
    );
  }
  const streams: Record<string, Observable<PoolMetrics>> = {};
  for (const [name, source] of Object.entries(sources)) {
    if (isObservable(source)) streams[name] = source;
    else if (typeof source === 'object' && source !== null && isObservable(source.metrics$)) {
      streams[name] = source.metrics$;
    } else {
      throw new InvalidOptionError(
        `sources.${name}`,
        source,
        'a pool, a balancer (anything with metrics$) or an Observable of PoolMetrics',
      );
    }
  }
  return streams;
}

function resolveOptions(
  options: AggregateMetricsOptions,
  names: readonly string[],
): { intervalMs: number; clock: Clock; total: readonly string[] } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'an object { intervalMs?, total?, clock? }');
  }
  rejectUnknownOptions('', options, ['intervalMs', 'total', 'clock']);
  const { intervalMs = 1_000, total = names } = options;
  if (typeof intervalMs !== 'number' || !(intervalMs >= 0) || !Number.isFinite(intervalMs)) {
    throw new InvalidOptionError('intervalMs', intervalMs, 'a finite number >= 0 (milliseconds)');
  }
  if (!Array.isArray(total)) {
    throw new InvalidOptionError('total', total, 'an array of source names');
  }
  total.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !names.includes(name)) {
      throw new InvalidOptionError(`total[${i}]`, name, `one of the sources: ${names.join(', ')}`);
    }
  });
  return { intervalMs, clock: resolveClock(options.clock), total };
}
