import fc from 'fast-check';
import {
  createTransitionCoverage,
  type TransitionCoverage,
} from '../coverage/transition-coverage.js';
import type { CheckReport } from './check-report.js';
import { ConformanceError } from './conformance-error.js';
import type { PoolCommandsConstraints } from './pool-commands.js';
import { isArbitrary, runCheck } from './run-check.js';
import type { CheckedSystemSpec, MakeSystem } from './system-config.js';
import { checkSystemStep, finishSystemRun } from './system-checks.js';
import { systemCommands, type SystemCommand } from './system-commands.js';
import { applySystemStep, type SystemStep } from './system-steps.js';
import { formatSystemTrace, type SystemTrace } from './system-trace.js';
import { SystemUnderTest } from './system-under-test.js';

/** How {@link checkSystem} runs. */
export interface CheckSystemOptions {
  /** The spec: one, or an arbitrary of them (`arbSystemSpec()`). Pool workers are replaced. */
  readonly spec: CheckedSystemSpec | fc.Arbitrary<CheckedSystemSpec>;
  /** @default 100 */
  readonly runs?: number;
  readonly seed?: number;
  readonly commands?: PoolCommandsConstraints;
  /** @default 10_000 */
  readonly maxSteps?: number;
  /** @default true */
  readonly coverage?: boolean;
}

/** What {@link checkSystem} did. */
export type SystemCheckReport = CheckReport<SystemTrace>;

interface Settings {
  readonly maxSteps: number;
  readonly coverage?: TransitionCoverage | undefined;
}

/** The spec as data: without the pools' workers (the test kit gives its own). */
function specData(spec: CheckedSystemSpec): CheckedSystemSpec {
  const pools = Object.fromEntries(
    Object.entries(spec.pools).map(([name, { worker: _worker, ...options }]) => [name, options]),
  );
  return { ...spec, pools };
}

async function runSystem(
  make: MakeSystem,
  spec: CheckedSystemSpec,
  randomSeed: number,
  plan: { readonly commands: Iterable<SystemCommand> } | { readonly steps: readonly SystemStep[] },
  settings: Settings,
  played: SystemStep[],
): Promise<void> {
  const sut = new SystemUnderTest(make, spec, randomSeed, settings.coverage?.inspect);
  try {
    await sut.clock.flush();
    if ('commands' in plan) {
      await fc.asyncModelRun(() => ({ model: { steps: played }, real: sut }), plan.commands);
    } else {
      for (const step of plan.steps) {
        played.push(step);
        await applySystemStep(sut, step);
        await checkSystemStep(sut);
      }
    }
    await finishSystemRun(sut, settings.maxSteps);
  } finally {
    sut.clock.dispose();
  }
}

/** Plays a system trace again with `makeSystem`: what broke, or `undefined` when it passes. */
export async function replaySystem(
  trace: SystemTrace,
  makeSystem: MakeSystem,
  maxSteps = 10_000,
): Promise<Error | undefined> {
  try {
    await runSystem(
      makeSystem,
      trace.spec,
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
 * Checks a system against the promises Troupe makes, as `checkPool` checks a pool: random
 * commands on the system (start, close, close-abort, advance time) and on its pools (submit,
 * abort, resize, crash); every pool keeps a pool's promises, the system moves only as its
 * machine allows, restarts failed pools within its limits, and its close reaches `stopped`
 * with every task settled exactly once. Throws a {@link ConformanceError} with the shrunk trace.
 *
 * @example
 * await checkSystem(createSystem, {
 *   spec: { pools: { db: { size: 2 }, web: { size: 4 } }, supervision: { maxRestarts: 2 } },
 * });
 */
export async function checkSystem(
  makeSystem: MakeSystem,
  options: CheckSystemOptions,
): Promise<SystemCheckReport> {
  const given = options.spec;
  const arbSpec = isArbitrary<CheckedSystemSpec>(given) ? given : fc.constant(given);
  const coverage = options.coverage === false ? undefined : createTransitionCoverage();
  const settings: Settings = { maxSteps: options.maxSteps ?? 10_000, coverage };
  const report = await runCheck<[CheckedSystemSpec, number, Iterable<SystemCommand>], SystemTrace>({
    subject: 'system',
    arbitrary: arbSpec.chain((spec) =>
      fc.tuple(fc.constant(specData(spec)), fc.nat(), systemCommands(spec, options.commands)),
    ),
    runs: options.runs ?? 100,
    seed: options.seed,
    async run([spec, randomSeed, commands]) {
      const played: SystemStep[] = [];
      try {
        await runSystem(makeSystem, spec, randomSeed, { commands }, settings, played);
        return undefined;
      } catch (error) {
        return { error, trace: { subject: 'system', spec, randomSeed, steps: played } };
      }
    },
    replay: (trace) => replaySystem(trace, makeSystem, settings.maxSteps),
    coverage,
  });
  if (report.failure !== undefined)
    throw new ConformanceError(
      report,
      formatSystemTrace(report.failure.trace),
      'replaySystem(error.trace, makeSystem)',
    );
  return report;
}
