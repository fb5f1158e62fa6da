/** The pool's `rate` option, checked (the limit itself is `RateLimiter`). */
import { checkObject, checkPositive, checkSize } from '../option-checks.js';
import type { RateOptions } from './rate-limiter.js';

/** Validates `rate`; throws `InvalidOptionError` naming the field. */
export function resolveRate(rate: RateOptions | undefined): RateOptions | undefined {
  if (rate === undefined) return undefined;
  checkObject('rate', rate, ['limit', 'intervalMs']);
  const limit = checkSize('rate.limit', rate.limit);
  const intervalMs = checkPositive('rate.intervalMs', rate.intervalMs, false);
  return { limit, intervalMs };
}
