import { InvalidOptionError } from '../errors.js';
import { checkSize } from '../option-checks.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';

/** What the autoscaler aims for, on top of growing on demand and retiring idle workers. */
export type ScaleTarget =
  /** Keep busy time over available time near this (0 < u <= 1): more workers when above, fewer when below. */
  | { readonly utilisation: number }
  /** Keep the 99th percentile of queue wait (since the last metrics tick) under this many ms. */
  | { readonly queueWaitP99Ms: number };

/** A pool that sizes itself between `min` and `max` workers. */
export interface DynamicSize {
  /**
   * Fewest workers (the pool starts with these). 0 scales to zero: no worker until work comes,
   * none again once all are idle (not with `dryRun`, which starts none itself).
   */
  readonly min: number;
  /** Most workers. */
  readonly max: number;
  /**
   * A worker above `min` that has been idle this long retires. `Infinity`: never.
   * @default 10_000
   */
  readonly idleTimeoutMs?: number;
  /** Resize by a metric, evaluated on each metrics tick (`metrics.intervalMs`). */
  readonly target?: ScaleTarget;
  /**
   * Least time between two resizes by the target policy (and between dry-run decisions).
   * @default 5_000
   */
  readonly cooldownMs?: number;
  /**
   * Emit the decisions (`scale.up`/`scale.down` with `dryRun: true`) without acting: the pool
   * keeps `min` workers.
   * @default false
   */
  readonly dryRun?: boolean;
}

/** `size` after validation. */
export interface SizingConfig {
  /** At creation: the pool's engine owns the bounds after (`resize({ min, max })` moves them there). */
  readonly min: number;
  readonly max: number;
  readonly idleTimeoutMs: number;
  readonly target: ScaleTarget | undefined;
  readonly cooldownMs: number;
  readonly dryRun: boolean;
}

const KNOWN = ['min', 'max', 'idleTimeoutMs', 'target', 'cooldownMs', 'dryRun'];

function whole(option: string, value: unknown, least: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least) {
    throw new InvalidOptionError(option, value, `a whole number >= ${least}`);
  }
  return value;
}

function positive(option: string, value: unknown, infinity: boolean): number {
  if (typeof value !== 'number' || !(value > 0) || (!infinity && !Number.isFinite(value))) {
    throw new InvalidOptionError(
      option,
      value,
      infinity ? 'a number > 0 (milliseconds), or Infinity' : 'a finite number > 0 (milliseconds)',
    );
  }
  return value;
}

/**
 * A dry run starts no worker itself, not even on demand: with `min` 0 the pool would have none.
 */
export function dryRunAtZero(option: string): InvalidOptionError {
  return new InvalidOptionError(
    option,
    0,
    'a whole number >= 1 with size.dryRun: a dry run starts no worker itself, so the pool would have none',
  );
}

/** Checks `min <= max`: `min` a whole number >= 0 (0: scale to zero when idle), `max` >= 1. */
export function checkBounds(min: unknown, max: unknown, prefix = 'size.'): [number, number] {
  const lo = whole(`${prefix}min`, min, 0);
  const hi = whole(`${prefix}max`, max, 1);
  if (lo > hi) {
    throw new InvalidOptionError(`${prefix}max`, hi, `a whole number >= ${prefix}min (${lo})`);
  }
  return [lo, hi];
}

/** Validates a dynamic `size`; throws `InvalidOptionError` naming the first bad field. */
export function resolveSizing(size: DynamicSize): SizingConfig {
  rejectUnknownOptions('size', size, KNOWN);
  const [min, max] = checkBounds(size.min, size.max);
  const idleTimeoutMs = positive('size.idleTimeoutMs', size.idleTimeoutMs ?? 10_000, true);
  const cooldownMs = positive('size.cooldownMs', size.cooldownMs ?? 5_000, false);
  const dryRun = size.dryRun ?? false;
  if (typeof dryRun !== 'boolean')
    throw new InvalidOptionError('size.dryRun', dryRun, 'true or false');
  if (dryRun && min === 0) throw dryRunAtZero('size.min');
  const target = size.target;
  if (target !== undefined) {
    const allowed = '{ utilisation: number in (0, 1] } or { queueWaitP99Ms: number > 0 }';
    if (typeof target !== 'object' || target === null || Object.keys(target).length !== 1) {
      throw new InvalidOptionError('size.target', target, allowed);
    }
    if ('utilisation' in target) {
      const u = target.utilisation;
      if (typeof u !== 'number' || !(u > 0 && u <= 1)) {
        throw new InvalidOptionError('size.target.utilisation', u, 'a number in (0, 1]');
      }
    } else if ('queueWaitP99Ms' in target) {
      positive('size.target.queueWaitP99Ms', target.queueWaitP99Ms, false);
    } else throw new InvalidOptionError('size.target', target, allowed);
  }
  return { min, max, idleTimeoutMs, target, cooldownMs, dryRun };
}

/**
 * The pool's `size` option: a fixed number of workers, or dynamic bounds (the pool starts with
 * `min`); throws `InvalidOptionError` naming the field.
 */
export function resolveSize(given: number | DynamicSize | undefined): {
  size: number;
  sizing: SizingConfig | undefined;
} {
  const option = given ?? 1;
  if (typeof option === 'object' && option !== null) {
    const sizing = resolveSizing(option);
    return { size: sizing.min, sizing };
  }
  return { size: checkSize('size', option), sizing: undefined };
}
