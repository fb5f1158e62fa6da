/**
 * @troupe/prometheus — Troupe's pools and balancers as Prometheus metrics (a prom-client
 * registry) and a ready `/metrics` handler.
 */
export { createPrometheusExporter } from './create-prometheus-exporter.js';
export type { PrometheusExporter } from './create-prometheus-exporter.js';
export type { AnyRegistry, PrometheusExporterOptions, WatchOptions } from './exporter-options.js';
export type { Watchable } from './watched.js';
export type { WatchableSystem } from './watched-system.js';
export type { SourceKind, SourceSnapshot } from './reading.js';
export type { MetricsHandler } from './metrics-handler.js';
export { DEFAULT_BUCKETS } from './le-buckets.js';
