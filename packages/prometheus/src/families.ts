/**
 * Every metric the exporter writes, as data: its name (after the prefix), help, type, the label
 * it adds besides `pool` or `balancer`, and how a reading gives each series' value. The
 * observing guide's table is this file in words.
 */
import type { HistogramSnapshot, PoolMetrics } from '@troupe/core';
import type { Reading } from './reading.js';

/** A counter or gauge: one series per value of `label` (one series when it has none). */
export interface ScalarFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  /** The label it adds, and its values: one series each. */
  readonly label?: { readonly name: string; readonly values: readonly string[] };
  /** Series `index`'s value for this reading; `undefined`: the source does not tell it. */
  value(reading: Reading, index: number): number | undefined;
}

/** A histogram: one series per value of `label`. */
export interface HistogramFamily {
  readonly name: string;
  readonly help: string;
  readonly label?: { readonly name: string; readonly values: readonly string[] };
  /** Series `index`'s histogram for this reading; `undefined`: the source has none to export. */
  snapshot(reading: Reading, index: number): HistogramSnapshot | undefined;
}

/** `troupe_tasks_total`'s outcomes, each with the counter of `PoolMetrics` it reads. */
const OUTCOMES = [
  ['completed', 'completed'],
  ['failed', 'failed'],
  ['crashed', 'crashed'],
  ['timed_out', 'timedOut'],
  ['cancelled', 'cancelled'],
  ['dropped', 'dropped'],
  ['rejected', 'rejected'],
] as const satisfies readonly (readonly [string, keyof PoolMetrics])[];

/** A worker's states (`WorkerState`), each a series of `troupe_workers`. */
const WORKER_STATES = ['starting', 'idle', 'busy', 'stopping', 'stopped', 'crashed'] as const;

/** A pool's (and a balancer's) lifecycle states (`PoolState`), each a series of `troupe_pool_state`. */
const POOL_STATES = ['stopped', 'starting', 'running', 'closing', 'failed'] as const;

/** The run histograms by outcome, each with its histogram in `PoolMetrics.histograms`. */
const RUN_OUTCOMES = [
  ['completed', 'latency'],
  ['failed', 'failedLatency'],
  ['timed_out', 'timedOutLatency'],
  ['crashed', 'crashedLatency'],
] as const;

/** The figures of `PoolMetrics` that are plain numbers. */
type Figure = {
  [K in keyof PoolMetrics]-?: PoolMetrics[K] extends number ? K : never;
}[keyof PoolMetrics];

/** A family of one series: one figure of the metrics. */
const figure = (
  name: string,
  type: 'counter' | 'gauge',
  key: Figure,
  help: string,
): ScalarFamily => ({ name, help, type, value: (r) => r.snapshot.metrics[key] });

/** The counters and gauges, in the order they are registered (and so scraped). */
export const SCALAR_FAMILIES: readonly ScalarFamily[] = [
  {
    name: 'tasks_total',
    help: 'Tasks settled, by outcome; rejected: submits refused at the door (not in tasks_submitted_total).',
    type: 'counter',
    label: { name: 'outcome', values: OUTCOMES.map(([outcome]) => outcome) },
    value: (r, i) => r.snapshot.metrics[OUTCOMES[i]![1]],
  },
  figure('tasks_submitted_total', 'counter', 'submitted', 'Tasks accepted.'),
  figure(
    'restarts_total',
    'counter',
    'restarts',
    'Workers started again by the supervisor after a crash.',
  ),
  figure(
    'worker_crashes_total',
    'counter',
    'crashes',
    'Workers that crashed (setup failed, WorkerCrashedError, executor fault); timeouts not included.',
  ),
  figure(
    'retries_total',
    'counter',
    'retries',
    'Task runs retried after a failure, timeout or crash.',
  ),
  figure('queue_depth', 'gauge', 'queued', 'Tasks in the queue.'),
  figure(
    'tasks_waiting',
    'gauge',
    'waiting',
    'Submits waiting for room in a full queue (overflow wait).',
  ),
  figure('tasks_active', 'gauge', 'active', 'Tasks running.'),
  figure('tasks_retrying', 'gauge', 'retrying', 'Tasks waiting out a retry delay.'),
  {
    name: 'workers',
    help: "Workers by state (pools only: a balancer's workers are its pools').",
    type: 'gauge',
    label: { name: 'state', values: WORKER_STATES },
    value: (r, i) => {
      const { workers } = r.snapshot;
      if (workers === undefined) return undefined;
      const state = WORKER_STATES[i];
      let n = 0;
      for (const worker of workers) if (worker.state === state) n++;
      return n;
    },
  },
  {
    name: 'pool_size',
    help: 'Workers asked for (a dynamic pool: its current target; a balancer: its members added up).',
    type: 'gauge',
    value: (r) => r.snapshot.size,
  },
  figure(
    'utilisation_ratio',
    'gauge',
    'utilisation',
    'Busy worker time over available worker time in the last metrics window (0..1).',
  ),
  {
    name: 'pool_state',
    help: 'Lifecycle state: 1 for the current one, 0 for the others.',
    type: 'gauge',
    label: { name: 'state', values: POOL_STATES },
    value: (r, i) => {
      const { state } = r.snapshot;
      return state === undefined ? undefined : state === POOL_STATES[i] ? 1 : 0;
    },
  },
];

/**
 * The histograms. Pools only: a balancer times one task in eight (and every task it held), so
 * its histograms are samples whose counts are not its tasks; the pools behind it have exact ones.
 */
export const HISTOGRAM_FAMILIES: readonly HistogramFamily[] = [
  {
    name: 'task_duration_seconds',
    help: 'Time from the start of a run to its end, by how the run ended (per run: a retried task has one per run).',
    label: { name: 'outcome', values: RUN_OUTCOMES.map(([outcome]) => outcome) },
    snapshot: (r, i) =>
      r.kind === 'pool' ? r.snapshot.metrics.histograms?.[RUN_OUTCOMES[i]![1]] : undefined,
  },
  {
    name: 'queue_wait_seconds',
    help: 'Time from submit (a retry: the end of its delay) to the start of the run.',
    snapshot: (r) => (r.kind === 'pool' ? r.snapshot.metrics.histograms?.queueWait : undefined),
  },
];

/** How many series a family has for one source. */
export const seriesOf = (family: ScalarFamily | HistogramFamily): number =>
  family.label?.values.length ?? 1;
