import fc from 'fast-check';
import {
  createTransitionCoverage,
  type TransitionCoverage,
} from '../coverage/transition-coverage.js';
import type { CheckReport } from './check-report.js';
import { ConformanceError } from './conformance-error.js';
import { isArbitrary, runCheck } from './run-check.js';
import type { CheckedPoolOptions, MakePool } from './pool-config.js';
import { checkStep, finishRun } from './pool-checks.js';
import { poolCommands, type PoolCommand, type PoolCommandsConstraints } from './pool-commands.js';
import { applyStep, type PoolStep } from './pool-steps.js';
import { PoolUnderTest } from './pool-under-test.js';
import { formatPoolTrace, type PoolTrace } from './trace.js';

/** How {@link checkPool} runs. */
export interface CheckPoolOptions {
  /**
   * The options of the pool: one set, or an arbitrary of them (`arbPoolOptions()`) to explore
   * configurations too. `makePool` gets them with the test kit's worker, clock and randomness.
   * @default {} (createPool's defaults)
   */
  readonly options?: CheckedPoolOptions | fc.Arbitrary<CheckedPoolOptions>;
  /** Runs to make (fast-check's `numRuns`). @default 100 */
  readonly runs?: number;
  /** fast-check's seed, for a run that repeats exactly. @default random */
  readonly seed?: number;
  /** How the commands are drawn: behaviours, run length, time steps. */
  readonly commands?: PoolCommandsConstraints;
  /** Most timers the final close may fire before it counts as a hang. @default 10_000 */
  readonly maxSteps?: number;
  /** Collect transition coverage over the runs. @default true */
  readonly coverage?: boolean;
}

/** What {@link checkPool} did. */
export type PoolCheckReport = CheckReport<PoolTrace>;

interface Settings {
  readonly maxSteps: number;
  readonly coverage?: TransitionCoverage | undefined;
}

/**
 * Runs one pool through `commands` (from `poolCommands`) or `steps` (a trace's), checking
 * after each, then closes it and checks the end. Throws the first violation; `played` gets
 * each step as it is played.
 */
async function runPool(
  make: MakePool,
  options: CheckedPoolOptions,
  randomSeed: number,
  plan: { readonly commands: Iterable<PoolCommand> } | { readonly steps: readonly PoolStep[] },
  settings: Settings,
  played: PoolStep[],
): Promise<void> {
  const put = PoolUnderTest.make(make, options, randomSeed, settings.coverage?.inspect);
  try {
    await put.clock.flush();
    if ('commands' in plan) {
      await fc.asyncModelRun(() => ({ model: { steps: played }, real: put }), plan.commands);
    } else {
      for (const step of plan.steps) {
        played.push(step);
        await applyStep(put, step);
        await checkStep(put);
      }
    }
    await finishRun(put, settings.maxSteps);
  } finally {
    put.clock.dispose();
  }
}

/**
 * Plays a pool trace again with `makePool`: resolves with what broke (a `Violation`, or an
 * error a run threw), or `undefined` when the run passes.
 */
export async function replayPool(
  trace: PoolTrace,
  makePool: MakePool,
  maxSteps = 10_000,
): Promise<Error | undefined> {
  try {
    await runPool(
      makePool,
      trace.options,
      trace.randomSeed,
      { steps: trace.steps },
      { maxSteps },
      [],
    );
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Checks a pool against the promises Troupe makes, over many runs of random commands (submit,
 * abort, resize, crash, start, close, close-abort, advance time) on a test clock: legal states
 * only; each accepted task settles exactly once, with an outcome its behaviour allows; counters
 * conserve; no more workers busy than the size; restarts within the supervision limits; every
 * close reaches `stopped`. On a failure it shrinks the run to a minimal trace and throws a
 * {@link ConformanceError} that prints it and can replay it; else it resolves with a report.
 *
 * @example
 * await checkPool((options) => createPool({ ...options, name: 'mine' }), {
 *   options: { size: 2, supervision: { maxRestarts: 3 } },
 *   runs: 500,
 * });
 */
export async function checkPool(
  makePool: MakePool,
  options: CheckPoolOptions = {},
): Promise<PoolCheckReport> {
  const given = options.options ?? {};
  const arbOptions = isArbitrary<CheckedPoolOptions>(given) ? given : fc.constant(given);
  const coverage = options.coverage === false ? undefined : createTransitionCoverage();
  const settings: Settings = { maxSteps: options.maxSteps ?? 10_000, coverage };
  const report = await runCheck<[CheckedPoolOptions, number, Iterable<PoolCommand>], PoolTrace>({
    subject: 'pool',
    arbitrary: arbOptions.chain((o) =>
      fc.tuple(fc.constant(o), fc.nat(), poolCommands(o, options.commands)),
    ),
    runs: options.runs ?? 100,
    seed: options.seed,
    async run([o, randomSeed, commands]) {
      const played: PoolStep[] = [];
      try {
        await runPool(makePool, o, randomSeed, { commands }, settings, played);
        return undefined;
      } catch (error) {
        return { error, trace: { subject: 'pool', options: o, randomSeed, steps: played } };
      }
    },
    replay: (trace) => replayPool(trace, makePool, settings.maxSteps),
    coverage,
  });
  if (report.failure !== undefined)
    throw new ConformanceError(
      report,
      formatPoolTrace(report.failure.trace),
      'replay(error.trace, makePool)',
    );
  return report;
}
