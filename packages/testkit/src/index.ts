/**
 * @troupe/testkit — prove your own pools and systems: a virtual test clock, fast-check
 * arbitraries, a conformance model with shrinking and replay, and state-machine coverage.
 */
export { createTestClock, disposeTestClocks } from './test-clock.js';
export type { RunOptions, TestClock, TestClockOptions } from './test-clock.js';
export type { PendingTimer } from './pending-timer.js';
export {
  NeverSettlesError,
  TimerLeakError,
  TimersKeepReschedulingError,
} from './test-clock-errors.js';

export {
  describeBehaviour,
  playBehaviour,
  strayValueOf,
  TaskBehaviourError,
  valueOf,
} from './behaviour.js';
export type { BehaviourKind, TaskBehaviour, TestTask } from './behaviour.js';
export { playLoad } from './play-load.js';
export { arbTaskBehaviour, DEFAULT_BEHAVIOUR_WEIGHTS } from './arbitraries/arb-task-behaviour.js';
export type { TaskBehaviourConstraints } from './arbitraries/arb-task-behaviour.js';
export { arbLoad } from './arbitraries/arb-load.js';
export type { Arrival, Load, LoadConstraints } from './arbitraries/arb-load.js';
export { arbPoolOptions } from './arbitraries/arb-pool-options.js';
export type { PoolOptionsConstraints, PoolOptionsSet } from './arbitraries/arb-pool-options.js';
export { arbSystemSpec } from './arbitraries/arb-system-spec.js';
export type { SystemSpecConstraints } from './arbitraries/arb-system-spec.js';

export { checkPool, replayPool } from './conformance/check-pool.js';
export type { CheckPoolOptions, PoolCheckReport } from './conformance/check-pool.js';
export { replay } from './conformance/replay.js';
export { poolCommands, stepCommand } from './conformance/pool-commands.js';
export type {
  PoolCommand,
  PoolCommandsConstraints,
  PoolRunModel,
} from './conformance/pool-commands.js';
export type { CheckedPoolOptions, MakePool, PoolEnv } from './conformance/pool-config.js';
export { PoolUnderTest } from './conformance/pool-under-test.js';
export { checkStep, finishRun } from './conformance/pool-checks.js';
export { describeStep } from './conformance/pool-steps.js';
export type { PoolStep } from './conformance/pool-steps.js';
export type { TaskSpec } from './conformance/task-record.js';
export { formatPoolTrace } from './conformance/trace.js';
export type { PoolTrace } from './conformance/trace.js';
export type { CheckFailure, CheckReport } from './conformance/check-report.js';
export { ConformanceError } from './conformance/conformance-error.js';
export { Violation } from './conformance/violation.js';
export type { Guarantee } from './conformance/violation.js';
export { CrashedByTestError } from './conformance/scripted-worker.js';
export {
  COVERED_MACHINES,
  createTransitionCoverage,
  formatCoverage,
  mergeCoverage,
} from './coverage/transition-coverage.js';
export type {
  CoverageReport,
  MachineCoverage,
  TransitionCoverage,
} from './coverage/transition-coverage.js';
export { legalChanges, machineEdges } from './coverage/machine-edges.js';
export type { MachineEdge } from './coverage/machine-edges.js';
export { seededRandom } from './seeded-random.js';
export { toSource } from './to-source.js';
export { checkSystem, replaySystem } from './conformance/check-system.js';
export type { CheckSystemOptions, SystemCheckReport } from './conformance/check-system.js';
export type { CheckedSystemSpec, MakeSystem } from './conformance/system-config.js';
export { systemCommands, systemStepCommand } from './conformance/system-commands.js';
export type { SystemCommand, SystemRunModel } from './conformance/system-commands.js';
export { describeSystemStep } from './conformance/system-steps.js';
export type { SystemStep } from './conformance/system-steps.js';
export { formatSystemTrace } from './conformance/system-trace.js';
export type { SystemTrace } from './conformance/system-trace.js';
export { SystemUnderTest } from './conformance/system-under-test.js';
