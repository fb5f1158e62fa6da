/**
 * `createPrometheusExporter`: Troupe's pools and balancers as Prometheus metrics in a prom-client
 * registry, read when scraped, and a ready `/metrics` handler.
 */
import { Counter, Gauge } from 'prom-client';
import { InvalidOptionError } from '@troupe/core';
import {
  resolveExporterOptions,
  resolveWatch,
  type AnyRegistry,
  type PrometheusExporterOptions,
  type WatchOptions,
} from './exporter-options.js';
import { HISTOGRAM_FAMILIES, SCALAR_FAMILIES, seriesOf, type ScalarFamily } from './families.js';
import { LeBuckets } from './le-buckets.js';
import { metricsHandler, type MetricsHandler } from './metrics-handler.js';
import type { Reading, ReadingSource } from './reading.js';
import { SnapshotHistogram } from './snapshot-histogram.js';
import { Tally } from './tally.js';
import { Watched, type Watchable } from './watched.js';
import { isSystem, WatchedSystem, type WatchableSystem } from './watched-system.js';

/** Troupe's metrics in a prom-client registry; see `createPrometheusExporter`. */
export interface PrometheusExporter {
  /** The registry the metrics are in (the one given, or the exporter's own). */
  readonly registry: AnyRegistry;
  /**
   * Exports `source` (a pool, a balancer, anything with a name and `metrics$`) under its name,
   * as `pool="…"` or `balancer="…"`, from the next scrape on. Returns the function that stops:
   * its series leave the registry. A closed source keeps its last figures until then; watching
   * a new source of the same name then continues its series. Throws `InvalidOptionError` for a
   * name a live watched source of the same kind already has.
   *
   * A system (`createSystem`) is watched member by member, each pool and balancer under its name
   * in the system, followed as members come, go and are replaced (see the observing guide).
   */
  watch(source: Watchable | WatchableSystem, options?: WatchOptions): () => void;
  /** `GET /metrics` (the `path` option) → 200 with the exposition; other paths 404. */
  readonly handler: MetricsHandler;
  /** Stops watching everything and takes the exporter's metrics out of the registry. Final. */
  close(): void;
}

/**
 * Makes an exporter of Troupe's metrics to Prometheus. Nothing is read until a scrape: then each
 * watched source is asked for its snapshot once, and every metric of that scrape is read from it
 * (no timer, no subscription to `metrics$` for pools and balancers).
 *
 * @example
 * const exporter = createPrometheusExporter();
 * exporter.watch(pool);
 * http.createServer(exporter.handler).listen(9464, '127.0.0.1');
 */
export function createPrometheusExporter(
  options: PrometheusExporterOptions = {},
): PrometheusExporter {
  return new Exporter(options);
}

/** What one exporter keeps: its families in the registry and the names it watches. */
class Exporter implements PrometheusExporter, ReadingSource {
  readonly registry: AnyRegistry;
  readonly handler: MetricsHandler;
  readonly #watched = new Map<string, Watched>();
  readonly #systems = new Set<WatchedSystem>();
  readonly #scalars: { readonly family: ScalarFamily; readonly metric: Counter | Gauge }[] = [];
  readonly #names: string[] = [];
  /** What brings one source's exported totals up to a reading: its counters and histograms. */
  readonly #advances: ((reading: Reading) => void)[] = [];
  readonly #counterSlots: number;
  readonly #histogramSlots: number;
  readonly #le: LeBuckets;
  /** The readings of the scrape under way, shared by its families; dropped once it is read. */
  #scrape: Reading[] | undefined;
  #closed = false;

  constructor(options: PrometheusExporterOptions) {
    const { registry, prefix, buckets, path } = resolveExporterOptions(options);
    this.registry = registry;
    this.#le = new LeBuckets(buckets);
    const names = [...SCALAR_FAMILIES, ...HISTOGRAM_FAMILIES].map((f) => prefix + f.name);
    const taken = names.find((name) => registry.getSingleMetric(name) !== undefined);
    if (taken !== undefined) {
      throw new InvalidOptionError(
        'prefix',
        prefix,
        `a prefix none of whose metrics the registry has already; it has ${taken} (one exporter per registry and prefix)`,
      );
    }
    let counterSlots = 0;
    for (const family of SCALAR_FAMILIES) {
      const slot = counterSlots;
      if (family.type === 'counter') counterSlots += seriesOf(family);
      this.#scalars.push({ family, metric: this.#register(prefix + family.name, family, slot) });
    }
    let histogramSlots = 0;
    for (const family of HISTOGRAM_FAMILIES) {
      const name = prefix + family.name;
      const histogram = new SnapshotHistogram(name, family, histogramSlots, this.#le, this);
      histogram.register(registry);
      this.#advances.push((reading) => histogram.advance(reading));
      this.#names.push(name);
      histogramSlots += seriesOf(family);
    }
    this.#counterSlots = counterSlots;
    this.#histogramSlots = histogramSlots;
    this.handler = metricsHandler(registry, path);
  }

  watch(source: Watchable | WatchableSystem, options: WatchOptions = {}): () => void {
    if (this.#closed) throw new Error('this Prometheus exporter is closed: make a new one');
    if (isSystem(source)) return this.#watchSystem(source, options);
    const { name, kind } = resolveWatch(source, options);
    const key = `${kind}:${name}`;
    let watched = this.#watched.get(key);
    if (watched?.live === true) {
      throw new InvalidOptionError(
        'name',
        name,
        `a name no other watched ${kind} has now: ${kind} '${name}' is watched and not closed ` +
          `(give this one another with watch(source, { name }), or unwatch the other first)`,
      );
    }
    if (watched !== undefined) {
      // A closed source's last figures (since the last scrape) go into the totals before its
      // successor counts from 0.
      const last = this.#readingOf(watched);
      if (last !== undefined) for (const advance of this.#advances) advance(last);
    } else {
      const tally = new Tally(this.#counterSlots, this.#histogramSlots, this.#le.size);
      watched = new Watched(kind, name, tally);
      this.#watched.set(key, watched);
    }
    this.#scrape = undefined;
    watched.follow(source);
    const { token } = watched;
    const followed = watched;
    return () => {
      if (followed.token !== token || this.#watched.get(key) !== followed) return;
      this.#forget(key, followed);
    };
  }

  #watchSystem(system: WatchableSystem, options: WatchOptions): () => void {
    if (typeof options !== 'object' || options === null || Object.keys(options).length > 0) {
      throw new InvalidOptionError(
        'options',
        options,
        'none for a system: its members are exported under their names in it',
      );
    }
    const watched = new WatchedSystem(system, (member, name, kind) =>
      this.watch(member, { name, kind }),
    );
    this.#systems.add(watched);
    watched.reconcile();
    return () => {
      if (!this.#systems.delete(watched)) return;
      watched.stop();
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const system of this.#systems) system.stop();
    this.#systems.clear();
    for (const [key, watched] of [...this.#watched]) this.#forget(key, watched);
    for (const name of this.#names) this.registry.removeSingleMetric(name);
  }

  readings(): readonly Reading[] {
    const cached = this.#scrape;
    if (cached !== undefined) return cached;
    for (const system of this.#systems) system.reconcile();
    const readings: Reading[] = [];
    for (const watched of this.#watched.values()) {
      const reading = this.#readingOf(watched);
      if (reading !== undefined) readings.push(reading);
    }
    // A registry asks every metric for its values in one go (prom-client calls each `collect`
    // before its first await): they share these readings, and the next scrape reads again.
    this.#scrape = readings;
    queueMicrotask(() => {
      if (this.#scrape === readings) this.#scrape = undefined;
    });
    return readings;
  }

  /** What `watched` tells now, as a reading; `undefined` when it has told nothing yet. */
  #readingOf(watched: Watched): Reading | undefined {
    const snapshot = watched.read();
    if (snapshot === undefined) return undefined;
    const { kind, labels, tally } = watched;
    return { kind, labels, snapshot, tally };
  }

  *tallies(): Iterable<Tally> {
    for (const watched of this.#watched.values()) yield watched.tally;
  }

  /** A counter or gauge of `family` in the registry, reading its series at each collect. */
  #register(name: string, family: ScalarFamily, slot: number): Counter | Gauge {
    this.#names.push(name);
    const extra = family.label;
    const labelNames = ['pool', 'balancer', ...(extra === undefined ? [] : [extra.name])];
    const count = seriesOf(family);
    const config = { name, help: family.help, labelNames, registers: [this.registry] };
    if (family.type === 'gauge') {
      const gauge: Gauge = new Gauge({
        ...config,
        collect: () => {
          for (const reading of this.readings()) {
            for (let i = 0; i < count; i++) {
              const value = family.value(reading, i);
              if (isFigure(value)) gauge.set(labelsOf(reading.labels, family, i), value);
            }
          }
        },
      });
      return gauge;
    }
    // A counter goes up by what its source's figure went up since the last reading.
    const advance = (reading: Reading): void => {
      for (let i = 0; i < count; i++) {
        const value = family.value(reading, i);
        if (!isFigure(value)) continue;
        counter.inc(labelsOf(reading.labels, family, i), reading.tally.increase(slot + i, value));
      }
    };
    const counter: Counter = new Counter({
      ...config,
      collect: () => {
        for (const reading of this.readings()) advance(reading);
      },
    });
    this.#advances.push(advance);
    return counter;
  }

  /** Stops watching `key`: its source let go, its series out of the registry. */
  #forget(key: string, watched: Watched): void {
    watched.stop();
    this.#watched.delete(key);
    this.#scrape = undefined;
    for (const { family, metric } of this.#scalars) {
      for (let i = 0; i < seriesOf(family); i++) metric.remove(labelsOf(watched.labels, family, i));
    }
  }
}

/**
 * Whether a source told a figure: a number that can be exported. Metrics made elsewhere (another
 * process) may lack one; that series is left as it was rather than failing the scrape.
 */
const isFigure = (value: number | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** The labels of series `i` of `family` for a source labelled `labels`. */
function labelsOf(
  labels: Readonly<Record<string, string>>,
  family: ScalarFamily,
  i: number,
): Record<string, string> {
  const extra = family.label;
  return extra === undefined ? { ...labels } : { ...labels, [extra.name]: extra.values[i]! };
}
