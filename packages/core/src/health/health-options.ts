import { InvalidOptionError } from '../errors.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';

/** When a sink counts as unhealthy, and how it comes back: the thresholds of its health machine. */
export interface HealthOptions {
  /**
   * A window is bad when more than this share of its finished runs failed (threw, timed out or
   * lost their worker). 0..1.
   * @default 0.5 (as Hystrix and opossum: a pool whose tasks fail now and then for their input
   * is not broken; one where most fail is)
   */
  readonly maxErrorRate?: number;
  /**
   * A window is bad when the p99 latency of its completed runs is over this many ms.
   * @default Infinity (off: what is slow depends on the work, only you know it)
   */
  readonly maxP99Ms?: number;
  /**
   * A window is bad when the queue, at its end, holds more than this share of its capacity
   * (submits are about to be refused). 0 < ratio <= 1; never bad for an unbounded queue.
   * @default 0.9
   */
  readonly maxQueueRatio?: number;
  /**
   * A window is bad when work has been queued this long (ms) with no task finishing: a stall.
   * Raise it for work whose tasks run longer than this. `Infinity`: off.
   * @default 30_000
   */
  readonly stallMs?: number;
  /**
   * How long one window is (ms): the sink's metrics are judged once per window.
   * @default 10_000 (the span of the pool's own windowed metrics)
   */
  readonly windowMs?: number;
  /**
   * Fewest runs a window needs before its error rate and latency are judged (fewer say nothing:
   * one failure out of two is not a 50% error rate worth acting on). Queue and stall are
   * judged regardless.
   * @default 20 (Hystrix's request volume threshold)
   */
  readonly minSamples?: number;
  /**
   * Consecutive bad windows that move `healthy` to `degraded`.
   * @default 1
   */
  readonly failuresToDegrade?: number;
  /**
   * Consecutive bad windows that move it to `unhealthy` (more than `failuresToDegrade`).
   * @default 2 (unhealthy within two windows)
   */
  readonly failuresToUnhealthy?: number;
  /**
   * Consecutive good windows that move `degraded` back to `healthy`.
   * @default 2
   */
  readonly successesToRecover?: number;
  /**
   * How long `unhealthy` lets nothing through before `probing` tries again (ms).
   * @default 5_000 (Hystrix's sleep window)
   */
  readonly probeEveryMs?: number;
  /**
   * How many tasks `probing` lets through; all of them succeeding closes the circuit, one
   * failing opens it again.
   * @default 3
   */
  readonly probeTasks?: number;
  /**
   * After probing succeeds, traffic ramps up from a tenth to all of it over this many ms
   * (slow start), in ten steps. 0: all at once.
   * @default 10_000
   */
  readonly slowStartMs?: number;
}

/** {@link HealthOptions} after validation: every threshold present. */
export type HealthConfig = { readonly [K in keyof HealthOptions]-?: number };

/** The defaults of {@link HealthOptions}, documented there. */
export const HEALTH_DEFAULTS: HealthConfig = Object.freeze({
  maxErrorRate: 0.5,
  maxP99Ms: Infinity,
  maxQueueRatio: 0.9,
  stallMs: 30_000,
  windowMs: 10_000,
  minSamples: 20,
  failuresToDegrade: 1,
  failuresToUnhealthy: 2,
  successesToRecover: 2,
  probeEveryMs: 5_000,
  probeTasks: 3,
  slowStartMs: 10_000,
});

const KNOWN = Object.keys(HEALTH_DEFAULTS);

type Check = (n: number) => boolean;
const RULES: Record<keyof HealthConfig, [Check, string]> = {
  maxErrorRate: [(n) => n >= 0 && n <= 1, 'a number from 0 to 1'],
  maxP99Ms: [(n) => n > 0, 'a number > 0 (milliseconds), or Infinity'],
  maxQueueRatio: [(n) => n > 0 && n <= 1, 'a number > 0 and <= 1'],
  stallMs: [(n) => n > 0, 'a number > 0 (milliseconds), or Infinity'],
  windowMs: [(n) => n > 0 && n < Infinity, 'a finite number > 0 (milliseconds)'],
  minSamples: [(n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1'],
  failuresToDegrade: [(n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1'],
  failuresToUnhealthy: [(n) => Number.isInteger(n) && n >= 2, 'a whole number >= 2'],
  successesToRecover: [(n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1'],
  probeEveryMs: [(n) => n > 0 && n < Infinity, 'a finite number > 0 (milliseconds)'],
  probeTasks: [(n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1'],
  slowStartMs: [(n) => n >= 0 && n < Infinity, 'a finite number >= 0 (milliseconds)'],
};

/**
 * Validates health options and fills in the defaults; throws `InvalidOptionError` naming the
 * first bad option, its value and what is allowed. `where` prefixes option names (`'health'`
 * when they sit under a `health` key).
 */
export function resolveHealthOptions(options: HealthOptions = {}, where = ''): HealthConfig {
  const prefix = where === '' ? '' : `${where}.`;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(where === '' ? 'options' : where, options, 'an object');
  }
  rejectUnknownOptions(where, options, KNOWN);
  const config: Record<string, number> = {};
  for (const key of KNOWN as (keyof HealthConfig)[]) {
    const value: unknown = options[key] ?? HEALTH_DEFAULTS[key];
    const [ok, allowed] = RULES[key];
    if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) {
      throw new InvalidOptionError(`${prefix}${key}`, value, allowed);
    }
    config[key] = value;
  }
  const resolved = config as HealthConfig;
  if (resolved.failuresToUnhealthy <= resolved.failuresToDegrade) {
    throw new InvalidOptionError(
      `${prefix}failuresToUnhealthy`,
      resolved.failuresToUnhealthy,
      `a whole number > failuresToDegrade (${resolved.failuresToDegrade}): degraded comes first`,
    );
  }
  return resolved;
}
