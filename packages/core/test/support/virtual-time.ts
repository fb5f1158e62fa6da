/** Waiting on the virtual clock: timed values, and stepping time until a promise settles. */
import type { VirtualClock } from '@troupe/core';

/** Resolves with `value` after `ms` of virtual time. */
export const after = <T>(clock: VirtualClock, ms: number, value: T): Promise<T> =>
  new Promise<T>((resolve) => clock.setTimeout(() => resolve(value), ms));

/** Advances the virtual clock step by step until `promise` settles (bounded). */
export async function settleWith<T>(
  clock: VirtualClock,
  promise: Promise<T>,
  stepMs = 10,
  maxSteps = 1_000,
): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  for (let i = 0; i < maxSteps && !done; i++) await clock.advance(stepMs);
  if (!done) throw new Error('promise did not settle in virtual time');
  return promise;
}
