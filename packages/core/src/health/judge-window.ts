import type { HealthConfig } from './health-options.js';

/** What happened to a sink over one window of time: what its health machine judges. */
export interface HealthWindow {
  /** Clock time the window starts (ms). */
  readonly from: number;
  /** Clock time the window ends (ms). */
  readonly to: number;
  /** Runs that returned a value in it. */
  readonly succeeded: number;
  /** Runs that threw, timed out or lost their worker in it. */
  readonly failed: number;
  /** p99 latency of the runs that completed in it (ms); `undefined` when none did. */
  readonly p99Ms: number | undefined;
  /** Tasks waiting to start at its end. */
  readonly queued: number;
  /** Most tasks the sink queues (`Infinity`: unbounded). */
  readonly capacity: number;
  /** How long, at its end, work has been waiting with no task finishing (ms); 0 when none waits. */
  readonly stalledMs: number;
}

/** The verdict on one window: bad when any threshold is crossed, with one reason per crossing. */
export interface WindowVerdict {
  readonly bad: boolean;
  readonly reasons: readonly string[];
}

/** Up to 3 significant decimals, without trailing zeros: `0.31`, `0.2`, `1`. */
const figure = (n: number): string => String(Number(n.toFixed(3)));

/**
 * Judges one window against the thresholds, a pure function: error rate and p99 latency once
 * the window holds `minSamples` runs (over `maxErrorRate`, over `maxP99Ms`), the queue at its end
 * against its capacity (over `maxQueueRatio`), and a stall (`stalledMs` at least `stallMs`).
 * Bad when any value is over its threshold (a stall: when it reaches it).
 *
 * @example
 * judgeWindow(config, { from: 0, to: 5_000, succeeded: 69, failed: 31, p99Ms: 40, queued: 0,
 *   capacity: 100, stalledMs: 0 });
 * // { bad: true, reasons: ['error rate 0.31 > 0.2 over 5000 ms'] } (with maxErrorRate 0.2)
 */
export function judgeWindow(
  thresholds: Pick<
    HealthConfig,
    'maxErrorRate' | 'maxP99Ms' | 'maxQueueRatio' | 'stallMs' | 'minSamples'
  >,
  window: HealthWindow,
): WindowVerdict {
  const reasons: string[] = [];
  const span = `over ${Math.round(window.to - window.from)} ms`;
  const runs = window.succeeded + window.failed;
  if (runs >= thresholds.minSamples) {
    const rate = window.failed / runs;
    if (rate > thresholds.maxErrorRate) {
      reasons.push(`error rate ${figure(rate)} > ${figure(thresholds.maxErrorRate)} ${span}`);
    }
  }
  if (
    window.p99Ms !== undefined &&
    window.succeeded >= thresholds.minSamples &&
    window.p99Ms > thresholds.maxP99Ms
  ) {
    reasons.push(
      `p99 latency ${figure(window.p99Ms)} ms > ${figure(thresholds.maxP99Ms)} ms ${span}`,
    );
  }
  if (window.capacity > 0 && window.capacity < Infinity) {
    const ratio = window.queued / window.capacity;
    if (ratio > thresholds.maxQueueRatio) {
      reasons.push(
        `queue ${window.queued}/${window.capacity} (${figure(ratio)}) > ${figure(thresholds.maxQueueRatio)} of capacity`,
      );
    }
  }
  if (window.stalledMs > 0 && window.stalledMs >= thresholds.stallMs) {
    reasons.push(
      `stalled: work waiting and no task finished for ${Math.round(window.stalledMs)} ms (stallMs ${figure(thresholds.stallMs)})`,
    );
  }
  return { bad: reasons.length > 0, reasons };
}
