import { InvalidOptionError } from '../errors.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';

/** Exponential backoff between restarts (or retries): `minMs · factor^(k-1)`, capped, with jitter. */
export interface BackoffOptions {
  /**
   * Delay before the first restart.
   * @default 10
   */
  readonly minMs?: number;
  /**
   * Largest delay, jitter included.
   * @default 5_000
   */
  readonly maxMs?: number;
  /**
   * Growth per consecutive restart.
   * @default 2
   */
  readonly factor?: number;
  /**
   * Relative spread: the delay is drawn uniformly from `base · [1 - jitter, 1 + jitter]`.
   * @default 0.2
   */
  readonly jitter?: number;
}

/** A backoff policy: the delay before the k-th consecutive attempt (k ≥ 1). */
export interface Backoff {
  readonly minMs: number;
  readonly maxMs: number;
  readonly factor: number;
  readonly jitter: number;
  /** The un-jittered delay for attempt `k`, capped at `maxMs`. */
  base(k: number): number;
  /**
   * The jittered delay for attempt `k`, in `bounds(k)`; `random` returns [0, 1). A `random` that
   * breaks that promise cannot push the delay out of `bounds(k)` (see `unitRandom`).
   */
  delay(k: number, random?: () => number): number;
  /** The interval `delay(k)` always falls in. */
  bounds(k: number): readonly [number, number];
}

/**
 * A draw of `random` that is surely in [0, 1]: below 0 counts as 0, above 1 as 1, and anything
 * else — NaN, a non-number, a throw — as 0.5, the un-jittered delay. A NaN delay would never
 * fire (and, in a deadline heap, would hide every deadline behind it); a throw would take the
 * supervisor down with it.
 */
export function unitRandom(random: () => number): number {
  let r: unknown;
  try {
    r = random();
  } catch {
    return 0.5;
  }
  if (typeof r !== 'number' || Number.isNaN(r)) return 0.5;
  return r < 0 ? 0 : r > 1 ? 1 : r;
}

function check(option: string, value: unknown, min: number, max: number, allowed: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, allowed);
  }
  return value;
}

/**
 * Makes an exponential backoff policy; `prefix` names the option in errors (e.g. `supervision.backoff`).
 *
 * @example
 * const backoff = exponentialBackoff({ minMs: 100, maxMs: 10_000 });
 * backoff.delay(3); // ≈ 400 ms ± 20%
 */
export function exponentialBackoff(options: BackoffOptions = {}, prefix = 'backoff'): Backoff {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(prefix, options, 'an object { minMs?, maxMs?, factor?, jitter? }');
  }
  rejectUnknownOptions(prefix, options, ['minMs', 'maxMs', 'factor', 'jitter']);
  const minMs = check(
    `${prefix}.minMs`,
    options.minMs ?? 10,
    0,
    Infinity,
    'a finite number >= 0 (ms)',
  );
  const maxMs = check(
    `${prefix}.maxMs`,
    options.maxMs ?? Math.max(5_000, minMs),
    minMs,
    Infinity,
    `a finite number >= minMs (${minMs})`,
  );
  const factor = check(
    `${prefix}.factor`,
    options.factor ?? 2,
    1,
    Infinity,
    'a finite number >= 1',
  );
  const jitter = check(`${prefix}.jitter`, options.jitter ?? 0.2, 0, 1, 'a number from 0 to 1');
  // minMs 0 stays 0 (0 × an overflowed factor^k would be NaN).
  const base = (k: number): number =>
    minMs === 0 ? 0 : Math.min(maxMs, minMs * factor ** Math.max(0, k - 1));
  const bounds = (k: number): readonly [number, number] => {
    const b = base(k);
    return [b * (1 - jitter), Math.min(maxMs, b * (1 + jitter))];
  };
  return {
    minMs,
    maxMs,
    factor,
    jitter,
    base,
    bounds,
    delay(k, random = Math.random) {
      const [lo, hi] = bounds(k);
      return lo + (hi - lo) * unitRandom(random);
    },
  };
}
