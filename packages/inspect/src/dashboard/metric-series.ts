/**
 * The figures the page charts, per pool and balancer: one sample a metrics tick, the last
 * `history` kept (a ring buffer), so memory stays the same however long the dashboard runs.
 */
import type { PoolMetrics } from '@troupe/core';
import { intervalLatency } from './interval-latency.js';
import { RingBuffer } from './ring-buffer.js';

/** One point of every chart of a source. */
export interface Sample {
  /** The source's clock, ms. */
  readonly at: number;
  /** Tasks finished per second (the source's window). */
  readonly throughput: number;
  /** Latency of the runs completed since the previous sample, ms; `null` when none did. */
  readonly p50: number | null;
  readonly p99: number | null;
  /** Tasks queued, and waiting for room. */
  readonly queued: number;
  /** Busy worker time over available worker time, 0..1. */
  readonly utilisation: number;
  /** Workers restarted after a crash, since the source started. */
  readonly restarts: number;
  /** Workers ready. */
  readonly workers: number;
}

/** A new sample of source `id`. */
export interface SampleAdded {
  readonly id: string;
  readonly sample: Sample;
}

export class MetricSeries {
  readonly #series = new Map<string, { ring: RingBuffer<Sample>; last: PoolMetrics }>();

  constructor(
    private readonly history: number,
    private readonly added: (sample: SampleAdded) => void,
  ) {}

  /** Records a snapshot of source `id` (a node id). A snapshot older than the last is ignored. */
  push(id: string, metrics: PoolMetrics): void {
    const series = this.#series.get(id);
    if (series !== undefined && metrics.at <= series.last.at) return;
    const { p50, p99 } = intervalLatency(series?.last, metrics);
    const sample: Sample = {
      at: metrics.at,
      throughput: metrics.throughput,
      p50,
      p99,
      queued: metrics.queued + metrics.waiting,
      utilisation: metrics.utilisation,
      restarts: metrics.restarts,
      workers: metrics.workers,
    };
    if (series === undefined) {
      const ring = new RingBuffer<Sample>(this.history);
      ring.push(sample);
      this.#series.set(id, { ring, last: metrics });
    } else {
      series.ring.push(sample);
      series.last = metrics;
    }
    this.added({ id, sample });
  }

  /** Forgets source `id` (gone from the system). */
  remove(id: string): void {
    this.#series.delete(id);
  }

  /** Every source's samples, oldest first. */
  all(): Record<string, Sample[]> {
    const out: Record<string, Sample[]> = {};
    for (const [id, { ring }] of this.#series) out[id] = ring.toArray();
    return out;
  }
}
