/**
 * What keeps exported counters monotonic: a source's figures are cumulative since it started,
 * and Prometheus wants counters that only go up for as long as the series lives — across a source
 * replaced by another of the same name, too.
 */

/** The cumulative figures last read from one source, and the exported histogram totals. */
export class Tally {
  /** Each counter series' last reading. */
  readonly #counters: Float64Array;
  /** Each histogram series' last reading and exported totals (cumulative counts, +Inf, sum). */
  readonly #histograms: HistogramTally[];

  constructor(counters: number, histograms: number, histogramSize: number) {
    this.#counters = new Float64Array(counters);
    this.#histograms = Array.from({ length: histograms }, () => new HistogramTally(histogramSize));
  }

  /**
   * How much counter `slot` went up since its last reading: never below 0. A reading below the
   * last one (a balancer that lost a member's figures) adds nothing and is the new base, so an
   * export never counts a task twice.
   */
  increase(slot: number, reading: number): number {
    const last = this.#counters[slot]!;
    this.#counters[slot] = reading;
    return reading > last ? reading - last : 0;
  }

  /** The histogram series `slot`. */
  histogram(slot: number): HistogramTally {
    return this.#histograms[slot]!;
  }

  /** A new source took over the name: its figures count from 0; what was exported stays. */
  restart(): void {
    this.#counters.fill(0);
    for (const histogram of this.#histograms) histogram.last.fill(0);
  }
}

/** One histogram series: the source's last reading and the totals exported. */
export class HistogramTally {
  readonly last: Float64Array;
  readonly total: Float64Array;
  /** Scratch for a reading, reused at each scrape. */
  readonly reading: Float64Array;

  constructor(size: number) {
    this.last = new Float64Array(size);
    this.total = new Float64Array(size);
    this.reading = new Float64Array(size);
  }

  /** Adds what went up since the last reading (each figure on its own, never below 0). */
  advance(): void {
    const { last, total, reading } = this;
    for (let i = 0; i < reading.length; i++) {
      const up = reading[i]! - last[i]!;
      if (up > 0) total[i]! += up;
      last[i] = reading[i]!;
    }
  }
}
