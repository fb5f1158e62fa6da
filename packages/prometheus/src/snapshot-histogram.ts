/**
 * A Prometheus histogram whose buckets come whole from Troupe's histogram snapshots at each
 * scrape. prom-client's `Histogram` only learns values one `observe` at a time, which would cost
 * a call per task; this metric gives the registry the same data prom-client's own histograms do
 * (`name_bucket{le}`, `name_sum`, `name_count`), read from the snapshots.
 */
import type { Histogram, OpenMetricsContentType, Registry } from 'prom-client';
import type { HistogramFamily } from './families.js';
import type { LeBuckets } from './le-buckets.js';
import type { ReadingSource } from './reading.js';

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

  /** The series of every watched pool, read at this scrape. */
  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: Sample[];
  }> {
    const family = this.#family;
    const le = this.#le;
    const infinity = le.bounds.length;
    const bucket = `${this.name}_bucket`;
    const values: Sample[] = [];
    for (const reading of this.#source.readings()) {
      const series = family.label?.values ?? [undefined];
      for (let i = 0; i < series.length; i++) {
        const snapshot = family.snapshot(reading, i);
        if (snapshot === undefined) continue;
        const label = series[i];
        const labels =
          label === undefined ? reading.labels : { ...reading.labels, [family.label!.name]: label };
        const tally = reading.tally.histogram(this.#slot + i);
        le.read(snapshot, tally.reading);
        tally.advance();
        const { total } = tally;
        for (let b = 0; b <= infinity; b++) {
          values.push({
            value: total[b]!,
            labels: { ...labels, le: le.labels[b]! },
            metricName: bucket,
          });
        }
        values.push({
          value: total[infinity + 1]!,
          labels: { ...labels },
          metricName: `${this.name}_sum`,
        });
        values.push({
          value: total[infinity]!,
          labels: { ...labels },
          metricName: `${this.name}_count`,
        });
      }
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  /** `registry.resetMetrics()`: what was exported starts again from 0. */
  reset(): void {
    const count = this.#family.label?.values.length ?? 1;
    for (const tally of this.#source.tallies()) {
      for (let i = 0; i < count; i++) tally.histogram(this.#slot + i).total.fill(0);
    }
  }
}
