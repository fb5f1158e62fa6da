import fc from 'fast-check';
import type { TransitionCoverage } from '../coverage/transition-coverage.js';
import type { CheckReport } from './check-report.js';

/** What a check runs: its values, one run of one value, and how a trace is played again. */
export interface CheckPlan<TValue, TTrace> {
  readonly subject: 'pool' | 'system';
  readonly arbitrary: fc.Arbitrary<TValue>;
  readonly runs: number;
  readonly seed: number | undefined;
  /** One run: what broke and the trace of the run, or `undefined` when it passed. */
  run(value: TValue): Promise<{ error: unknown; trace: TTrace } | undefined>;
  replay(trace: TTrace): Promise<Error | undefined>;
  readonly coverage: TransitionCoverage | undefined;
}

/** Whether `value` is a fast-check arbitrary (of any copy of fast-check). */
export function isArbitrary<T>(value: unknown): value is fc.Arbitrary<T> {
  return (
    value instanceof fc.Arbitrary ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as { generate?: unknown }).generate === 'function' &&
      typeof (value as { shrink?: unknown }).shrink === 'function')
  );
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/**
 * Runs a check with fast-check: `runs` values, the first failure shrunk. The trace kept is that
 * of the last run that failed, which is the shrunk counterexample; it is played once more to
 * tell whether it reproduces.
 */
export async function runCheck<TValue, TTrace>(
  plan: CheckPlan<TValue, TTrace>,
): Promise<CheckReport<TTrace>> {
  let last: { error: unknown; trace: TTrace } | undefined;
  const details = await fc.check(
    fc.asyncProperty(plan.arbitrary, async (value) => {
      const failed = await plan.run(value);
      if (failed === undefined) return;
      last = failed;
      throw asError(failed.error);
    }),
    { numRuns: plan.runs, ...(plan.seed === undefined ? {} : { seed: plan.seed }) },
  );
  const coverage = plan.coverage?.report();
  const base = { subject: plan.subject, runs: details.numRuns, seed: details.seed, coverage };
  if (!details.failed) return { ...base, failure: undefined };
  if (last === undefined) {
    // fast-check failed without a run of ours failing (it timed out, or was interrupted).
    throw asError(details.errorInstance ?? new Error('fast-check stopped before a run failed'));
  }
  const { trace } = last;
  const again = await plan.replay(trace);
  return {
    ...base,
    failure: {
      error: asError(last.error),
      trace,
      shrinks: details.numShrinks,
      path: details.counterexamplePath ?? undefined,
      reproduced: again !== undefined,
      replay: () => plan.replay(trace),
    },
  };
}
