import { toSource } from '../to-source.js';
import type { CheckFailure, CheckReport } from './check-report.js';

/**
 * A conformance check found a broken promise. Its message tells which, after how many runs, and
 * prints the shrunk trace with the code that replays it; `report` has it all as data.
 */
export class ConformanceError<TTrace = unknown> extends Error {
  override readonly name = 'ConformanceError';
  readonly failure: CheckFailure<TTrace>;

  constructor(
    readonly report: CheckReport<TTrace>,
    formattedTrace: string,
    replayCall: string,
  ) {
    const failure = report.failure;
    if (failure === undefined) throw new TypeError('ConformanceError: the report has no failure');
    const steps = (failure.trace as { steps?: readonly unknown[] }).steps?.length ?? 0;
    const where = `seed ${report.seed}${failure.path === undefined ? '' : `, path '${failure.path}'`}`;
    super(
      [
        `check${report.subject === 'pool' ? 'Pool' : 'System'}: ${failure.error.message}`,
        `found in run ${report.runs} (${where}), shrunk ${failure.shrinks} times to ${steps} steps${failure.reproduced ? '' : ' (NOT reproduced when replayed: is makePool deterministic?)'}:`,
        formattedTrace.replace(/^/gm, '  '),
        `Replay it with ${replayCall}, the trace being:`,
        `  ${toSource(failure.trace)}`,
      ].join('\n'),
      { cause: failure.error },
    );
    this.failure = failure;
  }

  /** The shrunk trace. */
  get trace(): TTrace {
    return this.failure.trace;
  }

  /** Runs the shrunk trace again: what broke, or `undefined` when it passes now. */
  replay(): Promise<Error | undefined> {
    return this.failure.replay();
  }
}
