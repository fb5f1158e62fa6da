import fc from 'fast-check';
import { arbTaskBehaviour } from '../arbitraries/arb-task-behaviour.js';
import { poolShape } from './pool-config.js';
import type { PoolCommandsConstraints } from './pool-commands.js';
import type { PoolStep } from './pool-steps.js';
import type { CheckedSystemSpec } from './system-config.js';
import { checkSystemStep } from './system-checks.js';
import { applySystemStep, describeSystemStep, type SystemStep } from './system-steps.js';
import type { SystemUnderTest } from './system-under-test.js';
import type { TaskSpec } from './task-record.js';

/** What the commands keep of a system run: the steps played, for its trace. */
export interface SystemRunModel {
  readonly steps: SystemStep[];
}

/** A command of a system run. */
export type SystemCommand = fc.AsyncCommand<SystemRunModel, SystemUnderTest>;

/** A command that plays `step`, then checks what must hold at any moment. */
export const systemStepCommand = (step: SystemStep): SystemCommand => ({
  check: () => true,
  async run(model, sut) {
    model.steps.push(step);
    await applySystemStep(sut, step);
    await checkSystemStep(sut);
  },
  toString: () => describeSystemStep(step),
});

type PoolOp = Extract<PoolStep, { op: 'submit' | 'abort' | 'resize' | 'crash' }>;

/**
 * The conformance model's commands for a system with `spec`, as `fc.commands`: start, close,
 * close with a deadline, close-abort and advance time on the system; submit, abort, resize and
 * crash on one of its pools (by name).
 */
export function systemCommands(
  spec: CheckedSystemSpec,
  constraints: PoolCommandsConstraints = {},
): fc.Arbitrary<Iterable<SystemCommand>> {
  const behaviour = constraints.behaviour ?? arbTaskBehaviour();
  const advanceMs = constraints.advanceMs ?? [0, 1, 10, 100, 1_000, 10_000];
  const names = Object.keys(spec.pools);
  const onPool = fc.constantFrom(...names).chain((pool) => {
    const shape = poolShape(spec.pools[pool] ?? {});
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
    const size = shape.fixed
      ? fc.integer({ min: 1, max: shape.max + 2 })
      : fc.integer({ min: shape.min, max: shape.max });
    const op: fc.Arbitrary<PoolOp> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .array(task, { minLength: 1, maxLength: 4 })
          .map((tasks) => ({ op: 'submit' as const, tasks })),
      },
      { weight: 1, arbitrary: fc.nat(20).map((index) => ({ op: 'abort' as const, index })) },
      { weight: 1, arbitrary: size.map((n) => ({ op: 'resize' as const, size: n })) },
      { weight: 2, arbitrary: fc.nat(20).map((index) => ({ op: 'crash' as const, index })) },
    );
    return op.map((step): SystemStep => ({ op: 'pool', pool, step }));
  });
  const weighted = (weight: number, arb: fc.Arbitrary<SystemStep>) => ({
    weight,
    arbitrary: arb.map(systemStepCommand),
  });
  return fc.commands(
    [
      fc.oneof(
        weighted(2, fc.constant({ op: 'start' })),
        weighted(10, onPool),
        weighted(
          4,
          fc.constantFrom(...advanceMs).map((ms) => ({ op: 'advance' as const, ms })),
        ),
        weighted(
          1,
          fc
            .option(fc.constantFrom(0, 100, 1_000), { nil: undefined })
            .map((timeoutMs): SystemStep =>
              timeoutMs === undefined ? { op: 'close' } : { op: 'close', timeoutMs },
            ),
        ),
        weighted(1, fc.constant({ op: 'close-abort' })),
      ),
    ],
    { maxCommands: constraints.maxCommands ?? 20 },
  );
}
