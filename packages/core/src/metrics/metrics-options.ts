/** The pool's `metrics` option: the window of its windowed figures and the `metrics$` interval. */
import { checkObject, checkPositive } from '../option-checks.js';

/** How metrics are windowed and streamed. */
export interface MetricsOptions {
  /**
   * The sliding window for `throughput` and `utilisation`.
   * @default 10_000
   */
  readonly windowMs?: number;
  /**
   * How often `metrics$` emits while subscribed.
   * @default 1_000
   */
  readonly intervalMs?: number;
}

/** Validates `metrics` and applies its defaults; throws `InvalidOptionError` naming the field. */
export function resolveMetrics(metrics: MetricsOptions | undefined): {
  windowMs: number;
  intervalMs: number;
} {
  checkObject('metrics', metrics, ['windowMs', 'intervalMs']);
  const windowMs = checkPositive('metrics.windowMs', metrics?.windowMs ?? 10_000, false);
  const intervalMs = checkPositive('metrics.intervalMs', metrics?.intervalMs ?? 1_000, false);
  return { windowMs, intervalMs };
}
