import {
  EMPTY_HISTOGRAM,
  Histogram,
  type HistogramSnapshot,
  type Percentiles,
} from './histogram.js';
import type { BatchMetrics } from '../batching/batch-options.js';

/** One priority level's share of the queue (priority pools only). */
export interface LevelMetrics {
  readonly level: number;
  /** Tasks of this base level in the queue now. */
  readonly queued: number;
  /** Time from submit to start of tasks of this level (their level when they started), in ms. */
  readonly wait: Percentiles;
}

/**
 * The histograms behind a snapshot's percentiles, as plain data: what lets `mergeMetrics` add
 * several pools' latencies up exactly, here or in another process. One field of `PoolMetrics`
 * rather than a method of the pool, so anything carrying metrics (`metrics$`, a remote pool's
 * reports) carries them; built only when a snapshot is taken, from the histograms the pool has
 * anyway (nothing per task, nothing kept per pool). Sparse, so a logged snapshot stays short.
 */
export interface MetricsHistograms {
  readonly latency: HistogramSnapshot;
  readonly failedLatency: HistogramSnapshot;
  readonly timedOutLatency: HistogramSnapshot;
  readonly crashedLatency: HistogramSnapshot;
  readonly queueWait: HistogramSnapshot;
}

/**
 * A pool's metrics at one moment. The task counters conserve:
 * `submitted = completed + failed + crashed + timedOut + cancelled + dropped + waiting + queued + retrying + active`.
 */
export interface PoolMetrics {
  /** Clock time of this snapshot (ms). */
  readonly at: number;
  /** Tasks accepted (everything but `rejected`). */
  readonly submitted: number;
  /** Tasks that returned a value. */
  readonly completed: number;
  /** Tasks that threw (`TaskFailed`). */
  readonly failed: number;
  /** Tasks whose worker crashed under them (`WorkerCrashed`). */
  readonly crashed: number;
  /** Tasks that ran past their timeout (`TaskTimedOut`). */
  readonly timedOut: number;
  /** Tasks cancelled by their signal or by `close({ abort })` (`TaskCancelled`). */
  readonly cancelled: number;
  /** Accepted tasks later refused without running (`drop-oldest` eviction, close while waiting for room). */
  readonly dropped: number;
  /** Submits refused at the door: closed pool, full queue, invalid options, already-aborted signal. Not in `submitted`. */
  readonly rejected: number;
  /** Submits waiting for room in a full queue (overflow `'wait'`). */
  readonly waiting: number;
  /** Tasks in the queue. */
  readonly queued: number;
  /** Tasks waiting out a retry delay. */
  readonly retrying: number;
  /** Tasks running on a worker. */
  readonly active: number;
  /** Results that arrived after their task had already settled (timed out or cancelled) and were discarded. */
  readonly late: number;
  /** Workers that crashed (setup failed, `WorkerCrashedError`, executor fault); timeouts never included. */
  readonly crashes: number;
  /**
   * Runs that went past their timeout (each also counted in `timedOut` or `retries`, or earlier
   * in `cancelled`): left behind by their lane, or with `supervision.timeouts: 'crash-worker'`
   * their worker crashed (and restarted: in `restarts`, not in `crashes`).
   */
  readonly hangs: number;
  /** Workers started again by the supervisor after a crash (siblings restarted with them included). */
  readonly restarts: number;
  /** Workers their executor gave up on purpose and the pool replaced (not crashes, not restarts). */
  readonly replaced: number;
  /** Task runs retried after a failure, timeout or crash. */
  readonly retries: number;
  /** Tasks sent to `deadLetters$` because they kept crashing their workers. */
  readonly quarantined: number;
  /** Workers ready to take tasks (idle or busy). */
  readonly workers: number;
  /**
   * Time from start to value of runs that completed, in ms. Runs that ended otherwise are in
   * `failedLatency`, `timedOutLatency` and `crashedLatency`, so that a few hung or failing runs do
   * not pass for slow work.
   */
  readonly latency: Percentiles;
  /** Time from start to error of runs that threw (or whose input their executor refused), in ms. */
  readonly failedLatency: Percentiles;
  /** Time from start to deadline of runs that went past their timeout, in ms. */
  readonly timedOutLatency: Percentiles;
  /** Time from start to `WorkerCrashed` of runs whose worker crashed, was replaced or was stopped with a crashed sibling, in ms. */
  readonly crashedLatency: Percentiles;
  /** Time from submit to start, in ms. */
  readonly queueWait: Percentiles;
  /** Tasks finished per second over the last `windowMs`. */
  readonly throughput: number;
  /** Busy worker time over available worker time in the last `windowMs` (0..1). */
  readonly utilisation: number;
  /** The span the windowed figures cover (ms). */
  readonly windowMs: number;
  /** Time spent throttled by the rate limit (work waiting, a worker free, no start allowed), in ms; 0 without `rate`. */
  readonly throttledMs: number;
  /** Item-level figures of a batch pool (its task counters count batches); batch pools only. */
  readonly batch?: BatchMetrics;
  /** Per priority level, lowest first; present for `queue: { kind: 'priority' }` pools only. */
  readonly levels?: readonly LevelMetrics[];
  /**
   * The five latency histograms behind the percentiles above, mergeable (`mergeMetrics`).
   * Every pool's and balancer's snapshot has them; optional for metrics made elsewhere (without
   * them a total's percentiles are only bounds).
   */
  readonly histograms?: MetricsHistograms;
}

/** What an empty histogram reports; shared, as most pools never fail a run. */
const NO_RUNS: Percentiles = Object.freeze({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });

interface Sample {
  readonly t: number;
  readonly finished: number;
  readonly busy: number;
  readonly capacity: number;
}

/**
 * The mutable counters behind {@link PoolMetrics}. Fields are public and bumped in place by
 * the dispatcher: a counter increment is all a task pays. Busy and capacity time are exact
 * integrals (updated when the number of busy or ready workers changes), sampled for windows.
 */
export class MetricsRecorder {
  submitted = 0;
  completed = 0;
  failed = 0;
  crashed = 0;
  timedOut = 0;
  cancelled = 0;
  dropped = 0;
  rejected = 0;
  waiting = 0;
  queued = 0;
  retrying = 0;
  active = 0;
  late = 0;
  crashes = 0;
  hangs = 0;
  restarts = 0;
  replaced = 0;
  retries = 0;
  quarantined = 0;
  /** Runs that completed (see `runFailed` and co. for the others). */
  readonly latency = new Histogram();
  readonly queueWait = new Histogram();
  // Made at the first run of their kind: most pools never need these.
  #failedLatency: Histogram | undefined;
  #timedOutLatency: Histogram | undefined;
  #crashedLatency: Histogram | undefined;
  /** Queue wait per priority level (priority pools only). */
  levelWait: Histogram[] | undefined;
  /** Queued tasks per priority level (priority pools only). */
  levelSizes: (() => number[]) | undefined;
  /** Queue waits since the autoscaler last looked (pools scaling by queue wait only). */
  recentWait: Histogram | undefined;
  /** Time throttled by the rate limit so far (pools with `rate` only). */
  throttled: ((now: number) => number) | undefined;

  #busyWorkers = 0;
  #workers = 0;
  #busyIntegral = 0;
  #capacityIntegral = 0;
  #lastTouch: number;
  readonly #samples: Sample[] = [];
  readonly #windowMs: number;

  constructor(now: number, windowMs: number) {
    this.#lastTouch = now;
    this.#windowMs = windowMs;
    this.#samples.push({ t: now, finished: 0, busy: 0, capacity: 0 });
  }

  get finished(): number {
    return this.completed + this.failed + this.crashed + this.timedOut;
  }

  get workers(): number {
    return this.#workers;
  }

  /** A run threw (or its executor refused its input) after `ms`. */
  runFailed(ms: number): void {
    (this.#failedLatency ??= new Histogram()).record(ms);
  }

  /** A run went past its deadline, `ms` after it started. */
  runTimedOut(ms: number): void {
    (this.#timedOutLatency ??= new Histogram()).record(ms);
  }

  /** A run ended `WorkerCrashed` (its worker crashed, was replaced or was stopped) after `ms`. */
  runCrashed(ms: number): void {
    (this.#crashedLatency ??= new Histogram()).record(ms);
  }

  /** Adds `delta` to the busy-worker count at time `now`. */
  busy(now: number, delta: number): void {
    this.#touch(now);
    this.#busyWorkers += delta;
  }

  /** Adds `delta` to the ready-worker count at time `now`. */
  ready(now: number, delta: number): void {
    this.#touch(now);
    this.#workers += delta;
  }

  #touch(now: number): void {
    const dt = now - this.#lastTouch;
    if (dt > 0) {
      this.#busyIntegral += this.#busyWorkers * dt;
      this.#capacityIntegral += this.#workers * dt;
      this.#lastTouch = now;
    }
  }

  /** Takes a snapshot; also records a window sample (at most ten per window). */
  snapshot(now: number): PoolMetrics {
    this.#touch(now);
    const samples = this.#samples;
    const current: Sample = {
      t: now,
      finished: this.finished,
      busy: this.#busyIntegral,
      capacity: this.#capacityIntegral,
    };
    const last = samples[samples.length - 1]!;
    if (now - last.t >= this.#windowMs / 10) samples.push(current);
    // Keep one sample at or before the window start as the base; drop the older ones.
    while (samples.length > 2 && samples[1]!.t <= now - this.#windowMs) samples.shift();
    const base = samples[0]!;
    const span = now - base.t;
    const capacity = current.capacity - base.capacity;
    const snapshot: PoolMetrics = {
      at: now,
      submitted: this.submitted,
      completed: this.completed,
      failed: this.failed,
      crashed: this.crashed,
      timedOut: this.timedOut,
      cancelled: this.cancelled,
      dropped: this.dropped,
      rejected: this.rejected,
      waiting: this.waiting,
      queued: this.queued,
      retrying: this.retrying,
      active: this.active,
      late: this.late,
      crashes: this.crashes,
      hangs: this.hangs,
      restarts: this.restarts,
      replaced: this.replaced,
      retries: this.retries,
      quarantined: this.quarantined,
      workers: this.#workers,
      latency: this.latency.percentiles(),
      failedLatency: this.#failedLatency?.percentiles() ?? NO_RUNS,
      timedOutLatency: this.#timedOutLatency?.percentiles() ?? NO_RUNS,
      crashedLatency: this.#crashedLatency?.percentiles() ?? NO_RUNS,
      queueWait: this.queueWait.percentiles(),
      throughput: span > 0 ? ((current.finished - base.finished) * 1000) / span : 0,
      utilisation: capacity > 0 ? Math.min(1, (current.busy - base.busy) / capacity) : 0,
      windowMs: span,
      throttledMs: this.throttled === undefined ? 0 : this.throttled(now),
      // Last, so a logged snapshot reads its counters first.
      histograms: {
        latency: this.latency.snapshot(),
        failedLatency: this.#failedLatency?.snapshot() ?? EMPTY_HISTOGRAM,
        timedOutLatency: this.#timedOutLatency?.snapshot() ?? EMPTY_HISTOGRAM,
        crashedLatency: this.#crashedLatency?.snapshot() ?? EMPTY_HISTOGRAM,
        queueWait: this.queueWait.snapshot(),
      },
    };
    const { levelWait, levelSizes } = this;
    if (levelWait === undefined || levelSizes === undefined) return snapshot;
    const sizes = levelSizes();
    const levels = levelWait.map((histogram, level) => ({
      level,
      queued: sizes[level] ?? 0,
      wait: histogram.percentiles(),
    }));
    return { ...snapshot, levels };
  }
}
