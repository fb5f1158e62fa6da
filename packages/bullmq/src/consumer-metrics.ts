import {
  mergeMetrics,
  rejectUnknownOptions,
  systemClock,
  type Clock,
  type PoolMetrics,
} from '@troupe/core';
import { Observable } from 'rxjs';
import type { ConsumerReport } from './consumer-report.js';
import { duration, resolveLocation, type QueueLocation } from './queue-options.js';
import { closeSideConnection, openSideConnection } from './side-connection.js';
import { channelOf } from './wire.js';

/** Options of `consumerMetrics`. */
export interface ConsumerMetricsOptions extends QueueLocation {
  /**
   * A host not heard from for this long (killed, cut off) is dropped from the members and the
   * total; one that closed is dropped at once.
   * @default 5_000
   */
  readonly staleAfterMs?: number;
  /**
   * `at` of each emission, and the staleness check.
   * @default systemClock
   */
  readonly clock?: Clock;
}

/** One emission of `consumerMetrics`: every live host's latest metrics, and their total. */
export interface ConsumerMetrics {
  readonly at: number;
  /** The hosts' metrics added up exactly (`mergeMetrics`: counters summed, histograms merged). */
  readonly total: PoolMetrics;
  /** Each live host's latest snapshot, by its name. */
  readonly members: Readonly<Record<string, PoolMetrics>>;
}

/**
 * The metrics of every consumer (`serveBullmq`) of a queue, as the producer side sees them: each
 * host publishes its pool's `metrics$` on the queue's metrics channel; this subscribes to it and
 * emits, at each report, every live host's latest and their exact total. Feed it to core's
 * `aggregateMetrics` beside the producer pool, to Prometheus, or to a dashboard. Subscribing opens
 * one Redis connection; unsubscribing closes it.
 *
 * @example
 * const metrics$ = aggregateMetrics({
 *   producer: pool,
 *   consumers: consumerMetrics({ queue: 'thumbs', connection }).pipe(map((c) => c.total)),
 * }, { total: ['producer'] });
 */
export function consumerMetrics(options: ConsumerMetricsOptions): Observable<ConsumerMetrics> {
  rejectUnknownOptions('', options, ['queue', 'connection', 'prefix', 'staleAfterMs', 'clock']);
  const { queue, connection, prefix } = resolveLocation(options);
  const staleAfterMs = duration(
    'staleAfterMs',
    options.staleAfterMs,
    5_000,
    'when a silent host is dropped',
  );
  const clock = options.clock ?? systemClock;
  const channel = channelOf(prefix, queue, 'metrics');
  return new Observable<ConsumerMetrics>((subscriber) => {
    const latest = new Map<string, { metrics: PoolMetrics; heard: number }>();
    const redis = openSideConnection(connection);
    redis.on('error', () => undefined);
    redis.on('message', (from: string, text: string) => {
      if (from !== channel) return;
      let report: ConsumerReport;
      try {
        report = JSON.parse(text) as ConsumerReport;
      } catch {
        return;
      }
      if (typeof report.host !== 'string' || typeof report.metrics !== 'object') return;
      const now = clock.now();
      if (report.gone === true) latest.delete(report.host);
      else latest.set(report.host, { metrics: report.metrics, heard: now });
      for (const [host, { heard }] of latest) if (now - heard > staleAfterMs) latest.delete(host);
      const members: Record<string, PoolMetrics> = {};
      for (const [host, { metrics }] of latest) members[host] = metrics;
      subscriber.next({ at: now, total: mergeMetrics(Object.values(members)), members });
    });
    redis.subscribe(channel).catch((error: unknown) => subscriber.error(error));
    return () => void closeSideConnection(redis);
  });
}
