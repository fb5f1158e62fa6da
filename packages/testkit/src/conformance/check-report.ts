import type { CoverageReport } from '../coverage/transition-coverage.js';

/** A failure a check found, shrunk: the broken promise, the run that breaks it, a way to run it again. */
export interface CheckFailure<TTrace> {
  /** What broke: a `Violation` (a promise of the pool or system), or an error thrown in a run. */
  readonly error: Error;
  /** The shrunk run: options (or spec), random seed and steps, as data. */
  readonly trace: TTrace;
  /** How many times fast-check shrank the first failing run. */
  readonly shrinks: number;
  /** fast-check's path to the failing run (with `seed`, fast-check's `path` option replays it). */
  readonly path: string | undefined;
  /** Whether running the trace again failed again (the run is deterministic). */
  readonly reproduced: boolean;
  /** Runs the trace again; resolves with what broke, or `undefined` when it passes now. */
  replay(): Promise<Error | undefined>;
}

/** What a conformance check did. */
export interface CheckReport<TTrace> {
  readonly subject: 'pool' | 'system';
  /** Runs made (up to the first failure). */
  readonly runs: number;
  /** fast-check's seed: the same seed makes the same runs. */
  readonly seed: number;
  /** Transitions of each machine the runs took (unless `coverage: false`). */
  readonly coverage: CoverageReport | undefined;
  readonly failure: CheckFailure<TTrace> | undefined;
}
