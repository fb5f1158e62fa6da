import fc from 'fast-check';
import type { TaskBehaviour } from '../behaviour.js';
import { arbTaskBehaviour } from './arb-task-behaviour.js';

/** A burst of tasks arriving together, then a quiet gap. */
export interface Arrival {
  readonly tasks: readonly TaskBehaviour[];
  /** Time until the next burst (ms). */
  readonly gapMs: number;
}

/** Bursty arrivals: bursts of tasks with gaps between them. */
export type Load = readonly Arrival[];

/** How {@link arbLoad} draws. */
export interface LoadConstraints {
  /** @default arbTaskBehaviour() */
  readonly behaviour?: fc.Arbitrary<TaskBehaviour>;
  /** @default 10 */
  readonly maxBursts?: number;
  /** Most tasks in one burst. @default 8 */
  readonly maxBurst?: number;
  /** Longest gap between bursts (ms). @default 1_000 */
  readonly maxGapMs?: number;
}

/**
 * Bursty arrivals: up to `maxBursts` bursts of 1 to `maxBurst` tasks, each followed by a gap of
 * 0 to `maxGapMs` — quiet spells and sudden floods, shrinking towards one small burst.
 */
export function arbLoad(constraints: LoadConstraints = {}): fc.Arbitrary<Load> {
  const { maxBursts = 10, maxBurst = 8, maxGapMs = 1_000 } = constraints;
  const behaviour = constraints.behaviour ?? arbTaskBehaviour();
  return fc.array(
    fc.record({
      tasks: fc.array(behaviour, { minLength: 1, maxLength: maxBurst }),
      // Gaps cluster at 0 (bursts back to back) and at the long end (quiet spells).
      gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: maxGapMs })),
    }),
    { minLength: 1, maxLength: maxBursts },
  );
}
