/**
 * @troupe/testkit — prove your own pools and systems: a virtual test clock, fast-check
 * arbitraries, a conformance model with shrinking and replay, and state-machine coverage.
 */
export { createTestClock, disposeTestClocks } from './test-clock.js';
export type { RunOptions, TestClock, TestClockOptions } from './test-clock.js';
export type { PendingTimer } from './pending-timer.js';
export { TimerLeakError, TimersKeepReschedulingError } from './test-clock-errors.js';
