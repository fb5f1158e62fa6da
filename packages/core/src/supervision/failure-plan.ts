import { UnrecoverableError, type TaskError } from '../errors.js';
import type { RetryPolicy } from './retry-policy.js';
import { isInstance } from '../describe-value.js';

/** What to do with a task whose run ended without a value. */
export type FailurePlan =
  | { readonly kind: 'settle' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'quarantine' };

/** What a plan looks at: the task's history so far (this failure included). */
export interface FailureHistory {
  /** The run that just failed (1 for the first). */
  readonly attempt: number;
  /** Runs of this task that crashed or hung their worker, this one included. */
  readonly crashes: number;
}

/**
 * Decides between another try, quarantine (the task keeps breaking workers) and giving up.
 * Quarantine comes first; cancellations, refusals and `UnrecoverableError`s are never retried.
 */
export function planFailure(
  error: TaskError,
  history: FailureHistory,
  policy: RetryPolicy | undefined,
  quarantineAfter: number,
  random: () => number,
): FailurePlan {
  if (history.crashes >= quarantineAfter) return { kind: 'quarantine' };
  if (policy === undefined || history.attempt >= policy.attempts) return { kind: 'settle' };
  if (error._tag === 'TaskCancelled' || error._tag === 'TaskRejected') return { kind: 'settle' };
  if (isInstance(error.cause, UnrecoverableError)) return { kind: 'settle' };
  return { kind: 'retry', delayMs: policy.backoff.delay(history.attempt, random) };
}
