import type { PoolMetrics } from '../metrics/metrics.js';
import type { TaskResult } from '../result.js';
import type { MetricsRecorder } from '../metrics/metrics.js';
import type { Member } from './member.js';

/**
 * Counts one settled task in the balancer's own counters: by outcome, with its time from routing
 * to the end (`routedAt < 0`: never routed, no run to time).
 */
export function countOutcome(
  recorder: MetricsRecorder,
  result: TaskResult<unknown>,
  ms: number,
): void {
  if (result._tag === 'Right') {
    recorder.completed++;
    if (ms >= 0) recorder.latency.record(ms);
    return;
  }
  switch (result.left._tag) {
    case 'TaskFailed':
      recorder.failed++;
      if (ms >= 0) recorder.runFailed(ms);
      return;
    case 'WorkerCrashed':
      recorder.crashed++;
      if (ms >= 0) recorder.runCrashed(ms);
      return;
    case 'TaskTimedOut':
      recorder.timedOut++;
      if (ms >= 0) recorder.runTimedOut(ms);
      return;
    case 'TaskCancelled':
      recorder.cancelled++;
      return;
    case 'TaskRejected':
      recorder.dropped++;
      return;
  }
}

/**
 * The balancer's metrics: its own exact task counters and histograms (tasks routed through it),
 * and for the worker-level figures — workers, utilisation, crashes, restarts, replaced, hangs,
 * retries, quarantined, late, throttled time — the members' totals (which include tasks that
 * reached them by other ways). Members are read now (one that left: as it was when it left).
 * `histograms` are its own, the samples behind its `latency` and `queueWait` (see the router), so
 * they merge with other balancers' as its percentiles do; a total over pools should not also
 * count the balancers in front of them.
 */
export function balancerMetrics(
  own: PoolMetrics,
  members: readonly Member<unknown, unknown>[],
): PoolMetrics {
  let workers = 0;
  let busy = 0;
  let crashes = 0;
  let hangs = 0;
  let restarts = 0;
  let replaced = 0;
  let retries = 0;
  let quarantined = 0;
  let late = 0;
  let throttledMs = 0;
  for (const member of members) {
    // Read, not refreshed: a snapshot must not move the live figures strategies use.
    let m = member.metrics;
    if (!member.left) {
      try {
        m = member.sink.getSnapshot().metrics;
      } catch {
        continue; // A sink that cannot report now is left out.
      }
    }
    if (m === undefined) continue;
    workers += m.workers;
    busy += m.utilisation * m.workers;
    crashes += m.crashes;
    hangs += m.hangs;
    restarts += m.restarts;
    replaced += m.replaced;
    retries += m.retries;
    quarantined += m.quarantined;
    late += m.late;
    throttledMs += m.throttledMs;
  }
  return {
    ...own,
    workers,
    utilisation: workers > 0 ? busy / workers : 0,
    crashes,
    hangs,
    restarts,
    replaced,
    retries,
    quarantined,
    late,
    throttledMs,
  };
}
