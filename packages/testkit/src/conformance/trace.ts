import { toSource } from '../to-source.js';
import type { CheckedPoolOptions } from './pool-config.js';
import { describeStep, type PoolStep } from './pool-steps.js';

/** A run of a pool check as data: printable, and played again by `replay`. */
export interface PoolTrace {
  readonly subject: 'pool';
  readonly options: CheckedPoolOptions;
  /** Seeds the pool's `random` (backoff jitter). */
  readonly randomSeed: number;
  readonly steps: readonly PoolStep[];
}

/** A trace in words: the options, then the steps numbered, then the close every run ends with. */
export function formatPoolTrace(trace: PoolTrace): string {
  return [
    `options: ${toSource(trace.options)}`,
    `random seed: ${trace.randomSeed}`,
    ...trace.steps.map((step, i) => `${i + 1}. ${describeStep(step)}`),
    `then: close, and run the clock until the close settles`,
  ].join('\n');
}
