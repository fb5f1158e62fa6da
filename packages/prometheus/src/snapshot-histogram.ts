/**
 * A Prometheus histogram whose buckets come whole from Troupe's histogram snapshots at each
 * scrape. prom-client's `Histogram` only learns values one `observe` at a time, which would cost
 * a call per task; this metric gives the registry the same data prom-client's own histograms do
 * (`name_bucket{le}`, `name_sum`, `name_count`), read from the snapshots.
 */
import type { Histogram, OpenMetricsContentType, Registry } from 'prom-client';
import { mergeHistograms, type HistogramSnapshot } from '@troupe/core';
import { seriesOf, type HistogramFamily } from './families.js';
import type { LeBuckets } from './le-buckets.js';
import type { Reading, ReadingSource } from './reading.js';

/** One value of a metric as a prom-client registry reads it. */
interface Sample {
  readonly value: number;
  readonly labels: Record<string, string>;
  readonly metricName: string;
}

/**
 * A histogram family in a prom-client registry. The registry reads a metric through `get()`
 * (the text exposition, `getMetricsAsJSON`, cluster aggregation), `name`, `help`, `type`,
 * `aggregator`, and calls `reset()` from `resetMetrics()`; that is all this offers.
 */
export class SnapshotHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #family: HistogramFamily;
  /** The family's first histogram slot in each source's tally. */
  readonly #slot: number;
  readonly #le: LeBuckets;
  readonly #source: ReadingSource;

  constructor(
    name: string,
    family: HistogramFamily,
    slot: number,
    le: LeBuckets,
    source: ReadingSource,
  ) {
    this.name = name;
    this.help = family.help;
    this.#family = family;
    this.#slot = slot;
    this.#le = le;
    this.#source = source;
  }

  /** Registers it in `registry` (as prom-client's own metrics register themselves). */
  register(registry: Registry | Registry<OpenMetricsContentType>): void {
    // The registry takes any metric that reads as one; its types list prom-client's classes only.
    registry.registerMetric(this as unknown as Histogram);
  }

  /** Brings `reading`'s series up to it: what went up since its last reading is added. */
  advance(reading: Reading): void {
    const family = this.#family;
    for (let i = 0; i < seriesOf(family); i++) {
      const snapshot = family.snapshot(reading, i);
      if (snapshot === undefined || !isSnapshot(snapshot)) continue;
      const tally = reading.tally.histogram(this.#slot + i);
      this.#le.read(snapshot, tally.reading);
      tally.advance();
    }
  }

  /** The series of every watched pool, read at this scrape. */
  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: Sample[];
  }> {
    const family = this.#family;
    const bounds = this.#le.labels;
    const infinity = bounds.length - 1;
    const { name } = this;
    const values: Sample[] = [];
    for (const reading of this.#source.readings()) {
      this.advance(reading);
      for (let i = 0; i < seriesOf(family); i++) {
        if (family.snapshot(reading, i) === undefined) continue;
        const label = family.label;
        const labels =
          label === undefined
            ? reading.labels
            : { ...reading.labels, [label.name]: label.values[i]! };
        const { total } = reading.tally.histogram(this.#slot + i);
        for (let b = 0; b <= infinity; b++) {
          values.push({
            value: total[b]!,
            labels: { ...labels, le: bounds[b]! },
            metricName: `${name}_bucket`,
          });
        }
        values.push({
          value: total[infinity + 1]!,
          labels: { ...labels },
          metricName: `${name}_sum`,
        });
        values.push({
          value: total[infinity]!,
          labels: { ...labels },
          metricName: `${name}_count`,
        });
      }
    }
    return { name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** `registry.resetMetrics()`: what was exported starts again from 0. */
  reset(): void {
    const count = seriesOf(this.#family);
    for (const tally of this.#source.tallies()) {
      for (let i = 0; i < count; i++) tally.histogram(this.#slot + i).total.fill(0);
    }
  }
}

/**
 * Whether `snapshot` is one (`mergeHistograms` checks what it is given): snapshots made elsewhere
 * (another process) may not be, and a series is then left as it was rather than read wrong.
 */
function isSnapshot(snapshot: HistogramSnapshot): boolean {
  try {
    mergeHistograms([snapshot]);
    return true;
  } catch {
    return false;
  }
}
