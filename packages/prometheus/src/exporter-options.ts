/**
 * The exporter's options and `watch`'s, checked once: a bad one throws `InvalidOptionError`
 * naming it, the value and what is allowed.
 */
import { isObservable } from 'rxjs';
import { Registry, type OpenMetricsContentType } from 'prom-client';
import { InvalidOptionError, rejectUnknownOptions } from '@troupe/core';
import { DEFAULT_BUCKETS } from './le-buckets.js';
import type { SourceKind } from './reading.js';
import type { Watchable } from './watched.js';

/** A prom-client registry, of the Prometheus text format or of OpenMetrics. */
export type AnyRegistry = Registry | Registry<OpenMetricsContentType>;

/** How `createPrometheusExporter` exports. */
export interface PrometheusExporterOptions {
  /**
   * The prom-client registry the metrics go into. Pass prom-client's `register` to serve them
   * beside the process metrics of `collectDefaultMetrics()`.
   * @default a new `Registry` of the exporter's own
   */
  readonly registry?: AnyRegistry;
  /**
   * Put before every metric name (`troupe_tasks_total`).
   * @default 'troupe_'
   */
  readonly prefix?: string;
  /**
   * The upper bounds (`le`) of the histograms' buckets, in seconds, increasing; `+Inf` is added.
   * @default DEFAULT_BUCKETS (0.0005 … 60)
   */
  readonly buckets?: readonly number[];
  /**
   * Where `handler` serves the metrics; every other path gets 404.
   * @default '/metrics'
   */
  readonly path?: string;
}

/** How `watch` names a source. */
export interface WatchOptions {
  /**
   * The label value of its series.
   * @default the source's `name`
   */
  readonly name?: string;
  /**
   * The label that names it: `pool="…"` or `balancer="…"`.
   * @default 'balancer' when its snapshot lists `members` (a balancer's does), else 'pool'
   */
  readonly kind?: SourceKind;
}

/** The exporter's options, checked and with their defaults. */
export interface ExporterConfig {
  readonly registry: AnyRegistry;
  readonly prefix: string;
  readonly buckets: readonly number[];
  readonly path: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function resolveExporterOptions(options: PrometheusExporterOptions): ExporterConfig {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      options,
      'an object { registry?, prefix?, buckets?, path? }',
    );
  }
  rejectUnknownOptions('', options, ['registry', 'prefix', 'buckets', 'path']);
  const { registry = new Registry(), prefix = 'troupe_', buckets = DEFAULT_BUCKETS } = options;
  const { path = '/metrics' } = options;
  if (!isRegistry(registry)) {
    throw new InvalidOptionError(
      'registry',
      registry,
      "a prom-client Registry (new Registry(), or prom-client's register)",
    );
  }
  if (typeof prefix !== 'string' || (prefix !== '' && !METRIC_NAME.test(prefix))) {
    throw new InvalidOptionError(
      'prefix',
      prefix,
      "a string a Prometheus metric name may start with: letters, digits, '_' and ':', not a digit first ('' for none)",
    );
  }
  return { registry, prefix, buckets: checkBuckets(buckets), path: checkPath(path) };
}

/** The bounds as given, checked: finite seconds > 0, increasing. */
function checkBuckets(buckets: unknown): readonly number[] {
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new InvalidOptionError(
      'buckets',
      buckets,
      'a non-empty array of upper bounds in seconds',
    );
  }
  const bounds: number[] = [];
  (buckets as readonly unknown[]).forEach((bound, i) => {
    const previous = bounds[i - 1] ?? 0;
    if (typeof bound !== 'number' || !Number.isFinite(bound) || !(bound > previous)) {
      throw new InvalidOptionError(
        `buckets[${i}]`,
        bound,
        `a finite number of seconds > ${previous} (bounds increase; +Inf is added)`,
      );
    }
    bounds.push(bound);
  });
  return Object.freeze(bounds);
}

function checkPath(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new InvalidOptionError('path', path, "a path starting with '/'");
  }
  return path;
}

/** `watch`'s arguments checked: the source, its label value and kind. */
export function resolveWatch(
  source: Watchable,
  options: WatchOptions,
): { name: string; kind: SourceKind } {
  if (typeof source !== 'object' || source === null || !isObservable(source.metrics$)) {
    throw new InvalidOptionError(
      'source',
      source,
      'a pool, a balancer, or anything with a name and metrics$ (an Observable of PoolMetrics)',
    );
  }
  const { state$ } = source;
  if (state$ !== undefined && !isObservable(state$)) {
    throw new InvalidOptionError('source.state$', state$, 'an Observable of PoolState, or absent');
  }
  const getSnapshot: unknown = (source as { getSnapshot?: unknown }).getSnapshot;
  if (getSnapshot !== undefined && typeof getSnapshot !== 'function') {
    throw new InvalidOptionError('source.getSnapshot', getSnapshot, 'a function, or absent');
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'an object { name?, kind? }');
  }
  rejectUnknownOptions('', options, ['name', 'kind']);
  const name = options.name ?? source.name;
  if (typeof name !== 'string' || name === '') {
    throw new InvalidOptionError(
      options.name === undefined ? 'source.name' : 'name',
      name,
      'a non-empty string (the label value of its series)',
    );
  }
  const kind = options.kind ?? detectKind(source);
  if (kind !== 'pool' && kind !== 'balancer') {
    throw new InvalidOptionError('kind', kind, "'pool' or 'balancer'");
  }
  return { name, kind };
}

/** A balancer's snapshot lists its members; a pool's does not. */
function detectKind(source: Watchable): SourceKind {
  if (source.getSnapshot === undefined) return 'pool';
  try {
    const snapshot: unknown = source.getSnapshot();
    const members = (snapshot as { members?: unknown } | undefined)?.members;
    return Array.isArray(members) ? 'balancer' : 'pool';
  } catch {
    return 'pool';
  }
}

/** What the exporter asks of a registry: any prom-client copy's `Registry` has it. */
function isRegistry(value: unknown): value is AnyRegistry {
  if (value instanceof Registry) return true;
  const r = value as Partial<Record<keyof Registry, unknown>> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.metrics === 'function' &&
    typeof r.registerMetric === 'function' &&
    typeof r.removeSingleMetric === 'function' &&
    typeof r.getSingleMetric === 'function' &&
    typeof r.contentType === 'string'
  );
}
