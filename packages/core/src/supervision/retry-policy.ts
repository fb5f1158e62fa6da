import { InvalidOptionError } from '../errors.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import { exponentialBackoff, type Backoff, type BackoffOptions } from './exponential-backoff.js';

/** How often a task is tried, and how long it waits between tries. */
export interface RetryOptions {
  /**
   * Runs in all, the first included (BullMQ's meaning): `1` means no retry.
   * @default 1
   */
  readonly attempts?: number;
  /**
   * Delay before each retry.
   * @default { minMs: 10, maxMs: 5_000, factor: 2, jitter: 0.2 }
   */
  readonly backoff?: BackoffOptions;
}

/** A validated retry policy. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoff: Backoff;
}

/** Validates retry options; `prefix` names them in errors (`retry`, `submit retry`). */
export function resolveRetry(options: RetryOptions, prefix: string): RetryPolicy {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(prefix, options, 'an object { attempts?, backoff? }');
  }
  rejectUnknownOptions(prefix, options, ['attempts', 'backoff']);
  const attempts = options.attempts ?? 1;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1) {
    throw new InvalidOptionError(
      `${prefix}.attempts`,
      attempts,
      'a whole number >= 1 (1 = no retry)',
    );
  }
  return { attempts, backoff: exponentialBackoff(options.backoff ?? {}, `${prefix}.backoff`) };
}
