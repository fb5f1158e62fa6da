import { InvalidOptionError } from '../errors.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import type { Backoff } from '../supervision/exponential-backoff.js';
import { resolveSupervision } from '../supervision/supervision-options.js';
import type { SupervisionStrategy } from '../supervision/supervisor-machine.js';
import type { SystemSupervisionOptions } from './system-spec.js';

/** A system's supervision after validation and defaults. */
export interface SystemSupervisionConfig {
  readonly strategy: SupervisionStrategy;
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly backoff: Backoff;
  readonly resetAfterMs: number;
}

const KNOWN = ['strategy', 'maxRestarts', 'withinMs', 'backoff', 'resetAfterMs'];

/**
 * Validates a system's `supervision` (throws `InvalidOptionError` naming `supervision.<option>`)
 * and applies the system's defaults: a pool failing is rarer and costlier than a worker
 * crashing, so fewer restarts in a longer window, and longer delays, than a pool's own.
 */
export function resolveSystemSupervision(
  options: SystemSupervisionOptions = {},
): SystemSupervisionConfig {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('supervision', options, 'an object');
  rejectUnknownOptions('supervision', options, KNOWN);
  // The pool's checks, with the system's defaults (the same option names: `supervision.*`).
  const config = resolveSupervision({
    maxRestarts: options.maxRestarts ?? 3,
    withinMs: options.withinMs ?? 60_000,
    backoff: options.backoff ?? { minMs: 100, maxMs: 10_000 },
    ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
    ...(options.resetAfterMs === undefined ? {} : { resetAfterMs: options.resetAfterMs }),
  });
  const { strategy, maxRestarts, withinMs, backoff, resetAfterMs } = config;
  return { strategy, maxRestarts, withinMs, backoff, resetAfterMs };
}
