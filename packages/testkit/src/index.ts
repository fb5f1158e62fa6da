/**
 * @troupe/testkit — prove your own pools and systems: a virtual test clock, fast-check
 * arbitraries, a conformance model with shrinking and replay, and state-machine coverage.
 */
export { createTestClock, disposeTestClocks } from './test-clock.js';
export type { RunOptions, TestClock, TestClockOptions } from './test-clock.js';
export type { PendingTimer } from './pending-timer.js';
export { TimerLeakError, TimersKeepReschedulingError } from './test-clock-errors.js';

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
