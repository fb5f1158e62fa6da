/**
 * A log-linear histogram of durations (HDR-style): constant-time `record`, bounded memory,
 * percentiles within ~1.6% relative error, and an exact `max`.
 *
 * Values are recorded in milliseconds and bucketed at microsecond resolution: values below
 * 64 µs get a bucket each; above, each power of two is split into 64 linear sub-buckets.
 */

const SUB_BITS = 6;
const SUB = 1 << SUB_BITS; // 64 sub-buckets per power of two
const MAX_EXP = 31; // values up to 2^31 µs (~36 min) are bucketed; larger ones land in the last bucket
/** How many buckets a histogram has: the indices a {@link HistogramSnapshot} may name are below it. */
export const BUCKETS = SUB + (MAX_EXP - SUB_BITS + 1) * SUB;
const TOP = 2 ** MAX_EXP; // µs: values from here up land in the last bucket
/** The buckets come in chunks of `SUB` (one power of two each, the first for values below 64 µs). */
const CHUNKS = BUCKETS / SUB;
/**
 * A chunk as it starts: copied with `slice`, which makes a packed array of small integers in
 * ~20 ns (a `Float64Array` of 64 took 1–2 µs, as did `new Array(64).fill(0)`).
 */
const EMPTY_CHUNK: readonly number[] = zeros(SUB);

/** `n` zeros, pushed one by one: a packed array (`new Array(n)` makes a holey one). */
function zeros(n: number): number[] {
  const array: number[] = [];
  for (let i = 0; i < n; i++) array.push(0);
  return array;
}

/** Percentiles of a recorded distribution, in milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * A histogram as plain data: what travels in `PoolMetrics.histograms`, merges exactly
 * (`mergeHistograms`) and survives JSON. Only the non-empty buckets are listed, so a snapshot is
 * as small as the spread of what was recorded, not the half KiB per power of two seen that the
 * histogram itself holds. The bucket layout (64 linear sub-buckets per power of two of
 * microseconds) is part of the format.
 */
export interface HistogramSnapshot {
  /** Values recorded. */
  readonly count: number;
  /** The largest value recorded, exact, in ms. */
  readonly max: number;
  /**
   * The values recorded added up, in ms, each as it was bucketed (rounded to the microsecond, a
   * negative or NaN one as 0): what a Prometheus histogram's `_sum` reads. A whole number of µs
   * over 1000, so merges add it up exactly.
   */
  readonly sum: number;
  /**
   * The non-empty buckets as flat pairs, bucket index then count, in increasing index order:
   * `[3, 10, 70, 2]` is 10 values in bucket 3 and 2 in bucket 70.
   */
  readonly buckets: readonly number[];
}

/** The snapshot of a histogram that recorded nothing; shared, as most pools never fail a run. */
export const EMPTY_HISTOGRAM: HistogramSnapshot = Object.freeze({
  count: 0,
  max: 0,
  sum: 0,
  buckets: Object.freeze([]),
});

function bucketOf(micros: number): number {
  if (micros < SUB) return micros;
  const exp = 31 - Math.clz32(micros); // >= SUB_BITS
  const sub = micros >>> (exp - SUB_BITS); // in [SUB, 2*SUB)
  return (exp - SUB_BITS + 1) * SUB + (sub - SUB);
}

/**
 * The largest whole number of microseconds that bucket `bucket` of a {@link HistogramSnapshot}
 * holds (`Infinity` for the last, which holds everything from 2^31 µs up): percentiles report
 * it, so they never understate, and an exporter reads against it which fixed bounds a bucket
 * lies wholly under. Values are rounded to the microsecond before they are bucketed.
 */
export function bucketUpperEdge(bucket: number): number {
  return bucket === BUCKETS - 1 ? Infinity : upperEdgeOf(bucket);
}

/** The upper edge (in µs) of a bucket: percentiles report it, so they never understate. */
function upperEdgeOf(bucket: number): number {
  if (bucket < SUB) return bucket;
  const exp = Math.floor(bucket / SUB) - 1 + SUB_BITS;
  const sub = (bucket % SUB) + SUB;
  return (sub + 1) * 2 ** (exp - SUB_BITS) - 1; // not `<<`: 32-bit shifts overflow at the top
}

/**
 * What a quantile falling in `bucket` reports, in ms: the bucket's upper edge, capped at the exact
 * max; the last bucket holds everything from 2^31 µs up, so only the max bounds it.
 */
export function bucketValue(bucket: number, max: number): number {
  return bucket === BUCKETS - 1 ? max : Math.min(upperEdgeOf(bucket) / 1000, max);
}

/**
 * A histogram of millisecond durations. Its buckets are made one chunk (a power of two's 64) at
 * a time, when the first value falls there: all of them take ~14 KiB, and most histograms only
 * ever see durations within a few powers of two (10,000 pools, each with a latency and a queue
 * wait histogram, held ~270 MB of buckets that stayed empty). Recording costs one array load
 * more than with one flat array of buckets.
 */
export class Histogram {
  readonly #chunks = new Array<number[] | undefined>(CHUNKS);
  #count = 0;
  #max = 0;
  /** In whole µs, so that a sum is exact and merges add up in any order. */
  #sumMicros = 0;

  /** Records one duration in milliseconds (negative values count as 0). */
  record(ms: number): void {
    let micros = Math.round(ms * 1000);
    if (!(micros > 0)) micros = 0; // also catches NaN
    if (ms > this.#max) this.#max = ms;
    this.#count++;
    this.#sumMicros += micros;
    const bucket = micros >= TOP ? BUCKETS - 1 : bucketOf(micros);
    const chunk = this.#chunks[bucket >>> SUB_BITS] ?? this.#chunkOf(bucket);
    chunk[bucket & (SUB - 1)]!++;
  }

  /** Makes the chunk that holds `bucket` (its first value). */
  #chunkOf(bucket: number): number[] {
    const chunk = EMPTY_CHUNK.slice();
    this.#chunks[bucket >>> SUB_BITS] = chunk;
    return chunk;
  }

  get count(): number {
    return this.#count;
  }

  /** The value at quantile `q` (0..1), in ms: the upper edge of its bucket, capped at the exact max. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let c = 0; c < CHUNKS; c++) {
      const chunk = this.#chunks[c];
      if (chunk === undefined) continue;
      for (let s = 0; s < SUB; s++) {
        seen += chunk[s]!;
        if (seen < rank) continue;
        return bucketValue(c * SUB + s, this.#max);
      }
    }
    return this.#max;
  }

  /**
   * The histogram as plain data (its non-empty buckets): taken when metrics are read, never
   * while recording. The scan stops at the last value recorded.
   */
  snapshot(): HistogramSnapshot {
    const count = this.#count;
    if (count === 0) return EMPTY_HISTOGRAM;
    const buckets: number[] = [];
    let seen = 0;
    for (let c = 0; seen < count && c < CHUNKS; c++) {
      const chunk = this.#chunks[c];
      if (chunk === undefined) continue;
      for (let s = 0; s < SUB; s++) {
        const n = chunk[s]!;
        if (n === 0) continue;
        buckets.push(c * SUB + s, n);
        seen += n;
      }
    }
    return { count, max: this.#max, sum: this.#sumMicros / 1000, buckets };
  }

  /** p50, p90, p99 and max in one pass-friendly call. */
  percentiles(): Percentiles {
    return {
      count: this.#count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: this.#max,
    };
  }

  reset(): void {
    // The chunks stay: a histogram reset on every tick sees the same durations again.
    for (const chunk of this.#chunks) chunk?.fill(0);
    this.#count = 0;
    this.#max = 0;
    this.#sumMicros = 0;
  }
}
