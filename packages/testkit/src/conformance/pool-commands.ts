import fc from 'fast-check';
import type { TaskBehaviour } from '../behaviour.js';
import { arbTaskBehaviour } from '../arbitraries/arb-task-behaviour.js';
import { poolShape, type CheckedPoolOptions } from './pool-config.js';
import { checkStep } from './pool-checks.js';
import type { PoolUnderTest } from './pool-under-test.js';
import { applyStep, describeStep, type PoolStep } from './pool-steps.js';
import type { TaskSpec } from './task-record.js';

/** What the commands keep of a run: the steps played, for its trace. */
export interface PoolRunModel {
  readonly steps: PoolStep[];
}

/** A command of a pool run. */
export type PoolCommand = fc.AsyncCommand<PoolRunModel, PoolUnderTest>;

/** How {@link poolCommands} draws. */
export interface PoolCommandsConstraints {
  /** @default arbTaskBehaviour() */
  readonly behaviour?: fc.Arbitrary<TaskBehaviour>;
  /** Most commands in a run. @default 20 */
  readonly maxCommands?: number;
  /** The delays an `advance` step moves time by (ms). @default [0, 1, 10, 100, 1_000, 10_000] */
  readonly advanceMs?: readonly number[];
}

/** A command that plays `step`, then checks what must hold at any moment. */
export const stepCommand = (step: PoolStep): PoolCommand => ({
  check: () => true,
  async run(model, put) {
    model.steps.push(step);
    await applyStep(put, step);
    await checkStep(put);
  },
  toString: () => describeStep(step),
});

/**
 * The conformance model's commands for a pool with `options`, as `fc.commands`: submit (bursts
 * of tasks with behaviours, timeouts, signals, priorities), abort, resize (within the pool's
 * bounds), crash (a worker's resource breaks), start, close, close with a deadline, close-abort,
 * advance time. Each checks, after it ran, what must hold at any moment; run them with
 * `fc.asyncModelRun` on a `PoolUnderTest` (as `checkPool` does).
 */
export function poolCommands(
  options: CheckedPoolOptions,
  constraints: PoolCommandsConstraints = {},
): fc.Arbitrary<Iterable<PoolCommand>> {
  const shape = poolShape(options);
  const behaviour = constraints.behaviour ?? arbTaskBehaviour();
  const advanceMs = constraints.advanceMs ?? [0, 1, 10, 100, 1_000, 10_000];
  const task: fc.Arbitrary<TaskSpec> = fc.record(
    {
      behaviour,
      timeoutMs: fc.constantFrom(10, 100, 1_000),
      abortable: fc.boolean(),
      ...(shape.levels === undefined
        ? {}
        : { priority: fc.integer({ min: 0, max: shape.levels - 1 }) }),
    },
    { requiredKeys: ['behaviour'] },
  );
  // A fixed pool grows and shrinks freely (down to 1); a dynamic one within its bounds.
  const size = shape.fixed
    ? fc.integer({ min: 1, max: shape.max + 2 })
    : fc.integer({ min: shape.min, max: shape.max });
  const weighted = (weight: number, arb: fc.Arbitrary<PoolStep>) => ({
    weight,
    arbitrary: arb.map(stepCommand),
  });
  return fc.commands(
    [
      fc.oneof(
        weighted(3, fc.constant({ op: 'start' })),
        weighted(
          8,
          fc
            .array(task, { minLength: 1, maxLength: 4 })
            .map((tasks) => ({ op: 'submit' as const, tasks })),
        ),
        weighted(
          2,
          fc.nat(20).map((index) => ({ op: 'abort' as const, index })),
        ),
        weighted(
          2,
          size.map((n) => ({ op: 'resize' as const, size: n })),
        ),
        weighted(
          2,
          fc.nat(20).map((index) => ({ op: 'crash' as const, index })),
        ),
        weighted(
          5,
          fc.constantFrom(...advanceMs).map((ms) => ({ op: 'advance' as const, ms })),
        ),
        weighted(
          1,
          fc
            .option(fc.constantFrom(0, 100, 1_000), { nil: undefined })
            .map((timeoutMs): PoolStep =>
              timeoutMs === undefined ? { op: 'close' } : { op: 'close', timeoutMs },
            ),
        ),
        weighted(1, fc.constant({ op: 'close-abort' })),
      ),
    ],
    { maxCommands: constraints.maxCommands ?? 20 },
  );
}
