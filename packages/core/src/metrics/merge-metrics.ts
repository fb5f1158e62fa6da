/**
 * Several pools' metrics as one: counters added, percentiles from merged histograms. The pure
 * half of `aggregateMetrics`.
 */
import type { HistogramSnapshot, Percentiles } from './histogram.js';
import { mergeHistograms, percentilesOf } from './merge-histograms.js';
import type { MetricsHistograms, PoolMetrics } from './metrics.js';

/** The figures of `PoolMetrics` that add up: counts of tasks and workers, and throttled time. */
const SUMMED = [
  'submitted',
  'completed',
  'failed',
  'crashed',
  'timedOut',
  'cancelled',
  'dropped',
  'rejected',
  'waiting',
  'queued',
  'retrying',
  'active',
  'late',
  'crashes',
  'hangs',
  'restarts',
  'replaced',
  'retries',
  'quarantined',
  'workers',
  'throttledMs',
  'throughput',
] as const satisfies readonly (keyof PoolMetrics)[];

type Summed = (typeof SUMMED)[number];

/** The latency figures, each with its histogram in `PoolMetrics.histograms` under the same name. */
const TIMED = [
  'latency',
  'failedLatency',
  'timedOutLatency',
  'crashedLatency',
  'queueWait',
] as const satisfies readonly (keyof MetricsHistograms & keyof PoolMetrics)[];

/**
 * The metrics of several pools (or balancers) taken as one, exactly where that can be:
 *
 * - every counter is the sum (`submitted`, `completed`, …, `workers`, `throttledMs`), so the
 *   total conserves as each member does; `throughput` is the sum too (tasks per second of all);
 * - `latency`, `failedLatency`, `timedOutLatency`, `crashedLatency` and `queueWait` are read from
 *   the members' histograms merged bucket by bucket: the percentiles one histogram would give had
 *   it recorded every member's runs, not an average of averages; `histograms` holds the merge, so
 *   totals merge again. When a member has no `histograms` (metrics built by hand), each
 *   percentile is the largest of the members' — an upper bound — and the total has no `histograms`;
 * - `utilisation` is weighted by `workers` (busy workers over workers, all members together);
 * - `windowMs` is the shortest member's (the span every member's windowed figures cover);
 * - `at` is the latest member's;
 * - `batch` and `levels` stay per member: a batch's item figures and a priority level's waits do
 *   not add up across pools of different kinds.
 *
 * An empty list gives zeros at `at: 0`.
 */
export function mergeMetrics(list: readonly PoolMetrics[]): PoolMetrics {
  const sums = Object.fromEntries(SUMMED.map((key) => [key, 0])) as Record<Summed, number>;
  let at = 0;
  let windowMs = Infinity;
  let busy = 0;
  let exact = true;
  for (const m of list) {
    for (const key of SUMMED) sums[key] += m[key];
    if (m.at > at) at = m.at;
    if (m.windowMs < windowMs) windowMs = m.windowMs;
    busy += m.utilisation * m.workers;
    if (m.histograms === undefined) exact = false;
  }
  const timed = exact ? mergedTimes(list) : boundedTimes(list);
  return {
    at,
    ...sums,
    ...timed.percentiles,
    utilisation: sums.workers > 0 ? busy / sums.workers : 0,
    windowMs: windowMs === Infinity ? 0 : windowMs,
    ...(timed.histograms === undefined ? {} : { histograms: timed.histograms }),
  };
}

interface Timed {
  readonly percentiles: Record<(typeof TIMED)[number], Percentiles>;
  readonly histograms?: MetricsHistograms;
}

function mergedTimes(list: readonly PoolMetrics[]): Timed {
  const histograms = {} as Record<(typeof TIMED)[number], HistogramSnapshot>;
  const percentiles = {} as Record<(typeof TIMED)[number], Percentiles>;
  for (const key of TIMED) {
    histograms[key] = mergeHistograms(list.map((m) => m.histograms![key]));
    percentiles[key] = percentilesOf(histograms[key]);
  }
  return { percentiles, histograms };
}

/** Without every member's histograms: counts added, each percentile the members' largest. */
function boundedTimes(list: readonly PoolMetrics[]): Timed {
  const percentiles = {} as Record<(typeof TIMED)[number], Percentiles>;
  for (const key of TIMED) {
    let count = 0;
    let p50 = 0;
    let p90 = 0;
    let p99 = 0;
    let max = 0;
    for (const { [key]: p } of list) {
      count += p.count;
      if (p.count === 0) continue;
      p50 = Math.max(p50, p.p50);
      p90 = Math.max(p90, p.p90);
      p99 = Math.max(p99, p.p99);
      max = Math.max(max, p.max);
    }
    percentiles[key] = { count, p50, p90, p99, max };
  }
  return { percentiles };
}
