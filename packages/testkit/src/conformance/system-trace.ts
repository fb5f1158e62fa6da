import { toSource } from '../to-source.js';
import type { CheckedSystemSpec } from './system-config.js';
import { describeSystemStep, type SystemStep } from './system-steps.js';

/** A run of a system check as data: printable, and played again by `replaySystem`. */
export interface SystemTrace {
  readonly subject: 'system';
  readonly spec: CheckedSystemSpec;
  readonly randomSeed: number;
  readonly steps: readonly SystemStep[];
}

/** A system trace in words: the spec, then the steps numbered, then the final close. */
export function formatSystemTrace(trace: SystemTrace): string {
  return [
    `spec: ${toSource(trace.spec)}`,
    `random seed: ${trace.randomSeed}`,
    ...trace.steps.map((step, i) => `${i + 1}. ${describeSystemStep(step)}`),
    `then: system.close(), and run the clock until it settles`,
  ].join('\n');
}
